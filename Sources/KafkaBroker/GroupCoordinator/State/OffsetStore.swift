/// Committed offsets by group, topic and partition. A plain value: the shard owns one for the
/// committed offsets and one per open transaction.
public struct OffsetStore: Sendable, Equatable {
    private(set) var byGroup: [String: [String: [Int32: OffsetAndMetadata]]] = [:]

    public init() {}

    public var isEmpty: Bool { byGroup.isEmpty }

    /// Number of (group, topic, partition) entries.
    public var count: Int {
        byGroup.values.reduce(0) { sum, topics in sum + topics.values.reduce(0) { $0 + $1.count } }
    }

    public func get(group: String, topic: String, partition: Int32) -> OffsetAndMetadata? {
        byGroup[group]?[topic]?[partition]
    }

    public func topics(of group: String) -> [String: [Int32: OffsetAndMetadata]]? { byGroup[group] }

    public func contains(group: String) -> Bool { byGroup[group] != nil }

    /// Stores an offset, returning the one it replaced.
    @discardableResult
    public mutating func put(group: String, topic: String, partition: Int32, _ offset: OffsetAndMetadata) -> OffsetAndMetadata? {
        let previous = byGroup[group]?[topic]?[partition]
        byGroup[group, default: [:]][topic, default: [:]][partition] = offset
        return previous
    }

    /// Removes an offset; empty topic and group entries go too, so `topics(of:)` never returns
    /// an empty map.
    @discardableResult
    public mutating func remove(group: String, topic: String, partition: Int32) -> OffsetAndMetadata? {
        guard var topics = byGroup[group], var partitions = topics[topic],
              let previous = partitions.removeValue(forKey: partition)
        else { return nil }
        if partitions.isEmpty { topics.removeValue(forKey: topic) } else { topics[topic] = partitions }
        byGroup[group] = topics.isEmpty ? nil : topics
        return previous
    }

    /// Every entry, for merging a committed transaction into the main store.
    func forEach(_ body: (String, String, Int32, OffsetAndMetadata) -> Void) {
        for (group, topics) in byGroup {
            for (topic, partitions) in topics {
                for (partition, offset) in partitions { body(group, topic, partition, offset) }
            }
        }
    }
}

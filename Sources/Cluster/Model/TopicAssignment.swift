import KafkaProtocol
import LogStorage

/// A topic as the cluster metadata holds it: name, id and the replicas of each partition, in
/// preference order (the first replica is the preferred leader).
public struct TopicAssignment: Sendable, Hashable {
    public var name: String
    public var topicID: KafkaUUID
    /// Replicas of partition `i` at index `i`; partitions are numbered 0..<count.
    public var partitions: [[Int32]]
    /// The store's version of the assignment (ZooKeeper: the topic znode's data version), set by
    /// reads; `updateTopicAssignment` is conditional on it. -1 before the topic is stored.
    public var version: Int32
    /// Partitions being reassigned, by partition (Kafka's `adding_replicas` and
    /// `removing_replicas`): their `partitions` entry then lists the target and the origin
    /// replicas together. See PartitionReassignment.swift.
    public var reassignments: [Int32: PartitionReassignment]

    public init(
        name: String, topicID: KafkaUUID, partitions: [[Int32]], version: Int32 = -1,
        reassignments: [Int32: PartitionReassignment] = [:]
    ) {
        self.name = name
        self.topicID = topicID
        self.partitions = partitions
        self.version = version
        self.reassignments = reassignments
    }

    public var partitionCount: Int { partitions.count }

    public func replicas(of partition: Int32) -> [Int32]? {
        guard partition >= 0, Int(partition) < partitions.count else { return nil }
        return partitions[Int(partition)]
    }

    /// Every partition of the topic, as TopicPartitions.
    public var topicPartitions: [TopicPartition] {
        partitions.indices.map { TopicPartition(topic: name, partition: Int32($0)) }
    }

    /// Checks what a store must refuse: no partitions, an empty or duplicated replica list.
    func validate() throws(ClusterError) {
        // Kafka's rule (Topic.validate); it also keeps names safe as znode path components.
        let legal = name.utf8.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2e || byte == 0x5f || byte == 0x2d
        }
        guard !name.isEmpty, name != ".", name != "..", name.utf8.count <= 249, legal else {
            throw .rejected(.invalidTopicException, "Topic name \"\(name)\" is illegal: use up to 249 of [a-zA-Z0-9._-]")
        }
        guard !partitions.isEmpty else { throw .invalid("topic \(name) needs at least one partition") }
        for (index, replicas) in partitions.enumerated() {
            guard !replicas.isEmpty else { throw .invalid("partition \(name)-\(index) has no replicas") }
            guard Set(replicas).count == replicas.count else {
                throw .invalid("partition \(name)-\(index) lists a replica twice: \(replicas)")
            }
        }
        try validateReassignments()
    }
}

import KafkaProtocol

/// The "range" server assignor (Kafka's RangeAssignor): for each topic, its subscribers get
/// contiguous ranges of partitions, the first ones one more when it does not divide evenly.
/// Static members come first, ordered by instance id, then the others by member id, so a
/// restarted static member gets its old range back; when every member subscribes to the same
/// equally sized topics, each gets the same partition numbers of every topic (co-partitioning).
public struct RangeAssignor: PartitionAssignor {
    public let name = "range"

    public init() {}

    public func assign(_ spec: AssignmentSpec) -> [String: TopicPartitionAssignment] {
        let members = spec.members.sorted(by: Self.memberOrder)
        var subscribers: [KafkaUUID: [String]] = [:]
        for member in members {
            for topic in spec.existingTopics(of: member) { subscribers[topic, default: []].append(member.memberId) }
        }
        var out: [String: TopicPartitionAssignment] = Dictionary(uniqueKeysWithValues: members.map { ($0.memberId, [:]) })
        for (topic, ids) in subscribers {
            let count = Int(spec.partitionCounts[topic] ?? 0)
            let quota = count / ids.count
            var extra = count % ids.count
            var next = 0
            for id in ids {
                var size = quota
                if extra > 0 {
                    size += 1
                    extra -= 1
                }
                let end = min(next + size, count)
                if next < end { out[id]?[topic] = Set((next..<end).map { Int32($0) }) }
                next = end
            }
        }
        return out
    }

    static func memberOrder(_ a: AssignmentMember, _ b: AssignmentMember) -> Bool {
        switch (a.instanceId, b.instanceId) {
        case let (x?, y?): return x != y ? x < y : a.memberId < b.memberId
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.memberId < b.memberId
        }
    }
}

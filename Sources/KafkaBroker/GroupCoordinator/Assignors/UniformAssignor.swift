import KafkaProtocol

/// The "uniform" server assignor, Kafka's default for KIP-848 groups: balanced first (member
/// sizes differ by at most one partition when everyone subscribes to the same topics), then
/// sticky (members keep as much of their current assignment as balance allows).
public struct UniformAssignor: PartitionAssignor {
    public let name = "uniform"

    public init() {}

    public func assign(_ spec: AssignmentSpec) -> [String: TopicPartitionAssignment] {
        guard !spec.members.isEmpty else { return [:] }
        return spec.isHomogeneous ? assignHomogeneous(spec) : assignHeterogeneous(spec)
    }

    /// What each member may keep of its current assignment: subscribed, existing partitions not
    /// already kept by an earlier member.
    private func retained(_ spec: AssignmentSpec, _ members: [AssignmentMember]) -> [String: [TopicIdPartition]] {
        var taken = Set<TopicIdPartition>()
        var out: [String: [TopicIdPartition]] = [:]
        for member in members {
            var kept: [TopicIdPartition] = []
            for partition in member.current.sortedPartitions
            where member.subscribedTopics.contains(partition.topic)
                && partition.partition >= 0 && partition.partition < spec.partitionCounts[partition.topic] ?? 0
                && taken.insert(partition).inserted
            {
                kept.append(partition)
            }
            out[member.memberId] = kept
        }
        return out
    }

    private func allPartitions(_ spec: AssignmentSpec, topics: [KafkaUUID]) -> [TopicIdPartition] {
        topics.flatMap { topic in (0..<(spec.partitionCounts[topic] ?? 0)).map { TopicIdPartition(topic: topic, partition: $0) } }
    }

    /// Everyone subscribes to the same topics: quotas of ⌊P/M⌋ or ⌈P/M⌉, the larger ones going to
    /// the members that already hold the most, excess partitions freed, free ones handed out.
    private func assignHomogeneous(_ spec: AssignmentSpec) -> [String: TopicPartitionAssignment] {
        let members = spec.members.sorted { $0.memberId < $1.memberId }
        let topics = spec.existingTopics(of: members[0])
        let partitions = allPartitions(spec, topics: topics)
        var kept = retained(spec, members)
        let minQuota = partitions.count / members.count
        var extra = partitions.count % members.count
        let bySize = members.sorted { a, b in
            let (x, y) = (kept[a.memberId]?.count ?? 0, kept[b.memberId]?.count ?? 0)
            return x != y ? x > y : a.memberId < b.memberId
        }
        var quota: [String: Int] = [:]
        for member in bySize {
            quota[member.memberId] = minQuota + (extra > 0 ? 1 : 0)
            if extra > 0 { extra -= 1 }
        }
        var used = Set<TopicIdPartition>()
        for member in members {
            let limit = quota[member.memberId] ?? 0
            let list = kept[member.memberId] ?? []
            kept[member.memberId] = Array(list.prefix(limit))
            used.formUnion(kept[member.memberId] ?? [])
        }
        var free = partitions.filter { !used.contains($0) }[...]
        for member in members {
            var list = kept[member.memberId] ?? []
            while list.count < quota[member.memberId] ?? 0, let next = free.popFirst() { list.append(next) }
            kept[member.memberId] = list
        }
        return kept.mapValues { Self.assignment($0) }
    }

    /// Members subscribe to different topics: keep what is still eligible, give each free
    /// partition (the most constrained first) to its least loaded subscriber, then move
    /// partitions from the most to the least loaded eligible member while they differ by more
    /// than one.
    private func assignHeterogeneous(_ spec: AssignmentSpec) -> [String: TopicPartitionAssignment] {
        let members = spec.members.sorted { $0.memberId < $1.memberId }
        var subscribers: [KafkaUUID: [String]] = [:]
        for member in members {
            for topic in spec.existingTopics(of: member) { subscribers[topic, default: []].append(member.memberId) }
        }
        let topics = subscribers.keys.sorted(by: KafkaUUID.ordered)
        var owned = retained(spec, members).mapValues { Set($0) }
        let used = Set(owned.values.flatMap { $0 })
        let free = allPartitions(spec, topics: topics).filter { !used.contains($0) }.sorted { a, b in
            let (x, y) = (subscribers[a.topic]?.count ?? 0, subscribers[b.topic]?.count ?? 0)
            return x != y ? x < y : TopicIdPartition.ordered(a, b)
        }
        func load(_ id: String) -> Int { owned[id]?.count ?? 0 }
        for partition in free {
            guard let target = subscribers[partition.topic]?.min(by: { load($0) != load($1) ? load($0) < load($1) : $0 < $1 }) else {
                continue
            }
            owned[target, default: []].insert(partition)
        }
        // Balance: bounded, since every move lowers the spread between two members.
        var moves = 0
        let limit = max(1, used.count + free.count) * max(1, members.count)
        while moves < limit {
            var moved = false
            let ordered = members.map(\.memberId).sorted { load($0) != load($1) ? load($0) > load($1) : $0 < $1 }
            search: for heavy in ordered {
                for partition in (owned[heavy] ?? []).sorted(by: TopicIdPartition.ordered) {
                    let candidates = (subscribers[partition.topic] ?? []).filter { load(heavy) - load($0) > 1 }
                    guard let light = candidates.min(by: { load($0) != load($1) ? load($0) < load($1) : $0 < $1 }) else { continue }
                    owned[heavy]?.remove(partition)
                    owned[light, default: []].insert(partition)
                    moved = true
                    break search
                }
            }
            if !moved { break }
            moves += 1
        }
        var out: [String: TopicPartitionAssignment] = [:]
        for member in members { out[member.memberId] = Self.assignment(Array(owned[member.memberId] ?? [])) }
        return out
    }

    static func assignment(_ partitions: [TopicIdPartition]) -> TopicPartitionAssignment {
        var out: TopicPartitionAssignment = [:]
        for partition in partitions { out.insert(partition) }
        return out
    }
}

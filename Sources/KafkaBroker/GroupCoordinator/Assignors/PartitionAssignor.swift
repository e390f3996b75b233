import KafkaProtocol

/// What a server-side assignor sees of one member (Kafka's MemberSubscriptionAndAssignment).
public struct AssignmentMember: Sendable, Equatable {
    public var memberId: String
    public var instanceId: String?
    public var subscribedTopics: Set<KafkaUUID>
    /// Its current target assignment, which the assignor keeps as far as balance allows.
    public var current: TopicPartitionAssignment

    public init(memberId: String, instanceId: String? = nil, subscribedTopics: Set<KafkaUUID>, current: TopicPartitionAssignment = [:]) {
        self.memberId = memberId
        self.instanceId = instanceId
        self.subscribedTopics = subscribedTopics
        self.current = current
    }
}

/// The input of an assignor: the members and the partition count of every subscribed topic.
public struct AssignmentSpec: Sendable, Equatable {
    public var members: [AssignmentMember]
    public var partitionCounts: [KafkaUUID: Int32]

    public init(members: [AssignmentMember], partitionCounts: [KafkaUUID: Int32]) {
        self.members = members
        self.partitionCounts = partitionCounts
    }

    /// Every member subscribes to the same topics (Kafka's HOMOGENEOUS subscription type).
    public var isHomogeneous: Bool {
        guard let first = members.first else { return true }
        return members.allSatisfy { $0.subscribedTopics == first.subscribedTopics }
    }

    /// A member's subscribed topics that exist, in a stable order.
    func existingTopics(of member: AssignmentMember) -> [KafkaUUID] {
        member.subscribedTopics.filter { partitionCounts[$0] != nil }.sorted(by: KafkaUUID.ordered)
    }
}

/// A server-side partition assignor for KIP-848 groups (Kafka's ConsumerGroupPartitionAssignor).
/// Pure: the same spec always gives the same assignment.
public protocol PartitionAssignor: Sendable {
    var name: String { get }
    func assign(_ spec: AssignmentSpec) -> [String: TopicPartitionAssignment]
}

public enum PartitionAssignors {
    /// The assignors Petrel has, by name (group.consumer.assignors picks among them).
    public static let all: [String: any PartitionAssignor] = [
        UniformAssignor().name: UniformAssignor(),
        RangeAssignor().name: RangeAssignor(),
    ]
}

extension KafkaUUID {
    /// A total order on ids, for stable iteration.
    static func ordered(_ a: KafkaUUID, _ b: KafkaUUID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// One partition of one topic.
struct TopicIdPartition: Hashable, Sendable {
    var topic: KafkaUUID
    var partition: Int32

    static func ordered(_ a: TopicIdPartition, _ b: TopicIdPartition) -> Bool {
        a.topic == b.topic ? a.partition < b.partition : KafkaUUID.ordered(a.topic, b.topic)
    }
}

extension Dictionary where Key == KafkaUUID, Value == Set<Int32> {
    /// The number of partitions across topics.
    var partitionCount: Int { values.reduce(0) { $0 + $1.count } }

    mutating func insert(_ partition: TopicIdPartition) {
        self[partition.topic, default: []].insert(partition.partition)
    }

    mutating func remove(_ partition: TopicIdPartition) {
        guard var set = self[partition.topic] else { return }
        set.remove(partition.partition)
        self[partition.topic] = set.isEmpty ? nil : set
    }

    /// Every partition, in a stable order.
    var sortedPartitions: [TopicIdPartition] {
        keys.sorted(by: KafkaUUID.ordered).flatMap { topic in
            (self[topic] ?? []).sorted().map { TopicIdPartition(topic: topic, partition: $0) }
        }
    }
}

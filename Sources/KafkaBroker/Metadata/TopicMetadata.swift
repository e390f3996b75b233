import Cluster
import KafkaProtocol
import LogStorage

/// What the broker knows about a topic besides its logs: its name, id, size and overrides.
public struct TopicMetadata: Sendable, Equatable {
    public var name: String
    public var id: KafkaUUID
    public var partitionCount: Int32
    public var replicationFactor: Int16
    /// Topic-level config overrides (DescribeConfigs source DYNAMIC_TOPIC_CONFIG).
    public var configs: [String: String]

    public init(name: String, id: KafkaUUID, partitionCount: Int32, replicationFactor: Int16, configs: [String: String]) {
        self.name = name
        self.id = id
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        self.configs = configs
    }

    /// Internal topics are hidden from `petrel topics` and flagged in Metadata responses.
    public var isInternal: Bool { Self.isInternal(name) }

    public static func isInternal(_ name: String) -> Bool { name == "__consumer_offsets" || name == "__transaction_state" }
}

/// A topic as this broker serves it: its metadata, where its partitions' replicas are and who
/// leads them, and the replicas held here.
public struct TopicState: Sendable {
    public var metadata: TopicMetadata
    public var assignment: TopicAssignment
    /// Leader, leader epoch and ISR per partition (missing until the controller decided).
    public var states: [Int32: PartitionState]
    /// The replicas of this topic held by this broker, by partition.
    public var local: [Int32: Partition]

    /// The replica of partition `index` held here, if any (leader or follower).
    public func partition(_ index: Int32) -> Partition? { local[index] }

    public func hasPartition(_ index: Int32) -> Bool { index >= 0 && index < metadata.partitionCount }

    public var partitionIndexes: Range<Int32> { 0..<metadata.partitionCount }
}

/// The group coordinator's settings, with Kafka's broker config names and defaults.
public struct GroupCoordinatorConfig: Sendable, Equatable {
    /// The internal topic holding offsets and group state.
    public static let topicName = "__consumer_offsets"

    /// offsets.topic.num.partitions. Used only when the topic is created; an existing topic
    /// keeps its partition count, because group placement depends on it.
    public var offsetsTopicPartitions: Int32 = 50
    /// offsets.topic.replication.factor (Kafka's default is 3; one broker can only hold 1).
    public var offsetsTopicReplicationFactor: Int16 = 1
    /// offsets.topic.segment.bytes.
    public var offsetsTopicSegmentBytes: Int = 104_857_600
    /// offset.metadata.max.bytes: the longest metadata string a commit may carry (Kafka
    /// compares the Java string length, i.e. UTF-16 units).
    public var offsetMetadataMaxBytes: Int = 4096
    /// offsets.load.buffer.size: bytes read per step while loading a partition.
    public var offsetsLoadBufferBytes: Int = 5 * 1024 * 1024

    public init() {}

    /// Topic configs of `__consumer_offsets` (Kafka's GroupCoordinator.groupMetadataTopicConfigs).
    public var topicConfigs: [String: String] {
        ["cleanup.policy": "compact", "segment.bytes": String(offsetsTopicSegmentBytes), "compression.type": "producer"]
    }
}

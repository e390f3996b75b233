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
    /// offsets.retention.minutes, in ms: how long offsets of an empty group (or of a topic the
    /// group no longer consumes) are kept.
    public var offsetsRetentionMs: Int64 = 10080 * 60_000
    /// offsets.retention.check.interval.ms: how often expired offsets are looked for.
    public var offsetsRetentionCheckIntervalMs: Int64 = 600_000

    // Classic groups (JoinGroup/SyncGroup).

    /// group.initial.rebalance.delay.ms: how long a new group waits for more members.
    public var initialRebalanceDelayMs: Int64 = 3000
    /// group.min.session.timeout.ms / group.max.session.timeout.ms: the session timeouts JoinGroup accepts.
    public var minSessionTimeoutMs: Int32 = 6000
    public var maxSessionTimeoutMs: Int32 = 1_800_000
    /// group.max.size: members a classic group accepts.
    public var classicGroupMaxSize: Int = Int(Int32.max)
    /// How long a new member's parked JoinGroup may wait (Kafka's fixed 5 minutes).
    public var newMemberJoinTimeoutMs: Int64 = 300_000

    // KIP-848 consumer groups (ConsumerGroupHeartbeat).

    /// group.consumer.session.timeout.ms.
    public var consumerSessionTimeoutMs: Int32 = 45_000
    /// group.consumer.heartbeat.interval.ms.
    public var consumerHeartbeatIntervalMs: Int32 = 5000
    /// group.consumer.assignors: server-side assignors by name; the first is the default.
    public var consumerAssignors: [String] = ["uniform", "range"]
    /// group.consumer.max.size.
    public var consumerGroupMaxSize: Int = Int(Int32.max)

    /// offsets.commit.timeout.ms: how long a commit waits for the in-sync replicas of
    /// `__consumer_offsets` (Kafka's offsets.commit.required.acks is -1).
    public var offsetCommitTimeoutMs: Int64 = 5000

    public init() {}

    /// Topic configs of `__consumer_offsets` (Kafka's GroupCoordinator.groupMetadataTopicConfigs).
    public var topicConfigs: [String: String] {
        [
            "cleanup.policy": "compact", "segment.bytes": String(offsetsTopicSegmentBytes), "compression.type": "producer",
            "unclean.leader.election.enable": "false",
        ]
    }
}

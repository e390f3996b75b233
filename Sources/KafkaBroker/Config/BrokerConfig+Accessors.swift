import LogStorage

/// Typed accessors for the broker settings Petrel uses. Every key has a valid default in the
/// definitions table, so the fallbacks here only repeat Kafka's defaults.
extension BrokerConfig {
    public var numPartitions: Int32 { Int32(truncatingIfNeeded: int("num.partitions") ?? 1) }
    public var defaultReplicationFactor: Int16 { Int16(clamping: int("default.replication.factor") ?? 1) }
    public var autoCreateTopicsEnable: Bool { bool("auto.create.topics.enable") ?? true }
    public var socketRequestMaxBytes: Int { Int(int("socket.request.max.bytes") ?? 104_857_600) }
    public var messageMaxBytes: Int32 { Int32(truncatingIfNeeded: int("message.max.bytes") ?? 1_048_588) }
    public var deleteTopicEnable: Bool { bool("delete.topic.enable") ?? true }
    public var groupInitialRebalanceDelayMs: Int32 {
        Int32(truncatingIfNeeded: int("group.initial.rebalance.delay.ms") ?? 3000)
    }
    public var logRetentionCheckIntervalMs: Int64 { int("log.retention.check.interval.ms") ?? 300_000 }
    public var logCleanerBackoffMs: Int64 { int("log.cleaner.backoff.ms") ?? 15_000 }

    // The log.* settings below are the topic defaults they produce, unit conversions applied
    // (log.retention.hours=1 gives logRetentionMs 3600000).
    public var logSegmentBytes: Int32 { Int32(truncatingIfNeeded: topicDefault("segment.bytes")?.integer ?? 1_073_741_824) }
    /// log.roll.ms, else log.roll.hours.
    public var logRollMs: Int64 { topicDefault("segment.ms")?.integer ?? 604_800_000 }
    /// log.retention.ms, else .minutes, else .hours; -1 means forever.
    public var logRetentionMs: Int64 { topicDefault("retention.ms")?.integer ?? 604_800_000 }
    public var logRetentionBytes: Int64 { topicDefault("retention.bytes")?.integer ?? -1 }
    public var logFlushIntervalMessages: Int64 { topicDefault("flush.messages")?.integer ?? .max }
    /// log.flush.interval.ms, else log.flush.scheduler.interval.ms.
    public var logFlushIntervalMs: Int64 { topicDefault("flush.ms")?.integer ?? .max }
    public var logMessageTimestampType: String { topicDefault("message.timestamp.type")?.canonical ?? "CreateTime" }
    public var logCleanupPolicy: [String] { topicDefault("cleanup.policy")?.items ?? ["delete"] }
    public var compressionType: String { topicDefault("compression.type")?.canonical ?? "producer" }

    /// The group coordinator's settings from offsets.* keys.
    public var groupCoordinator: GroupCoordinatorConfig {
        var c = GroupCoordinatorConfig()
        c.offsetsTopicPartitions = Int32(truncatingIfNeeded: int("offsets.topic.num.partitions") ?? 50)
        c.offsetsTopicReplicationFactor = Int16(clamping: int("offsets.topic.replication.factor") ?? 1)
        c.offsetsTopicSegmentBytes = Int(int("offsets.topic.segment.bytes") ?? 104_857_600)
        c.offsetMetadataMaxBytes = Int(int("offset.metadata.max.bytes") ?? 4096)
        c.offsetsLoadBufferBytes = Int(int("offsets.load.buffer.size") ?? 5_242_880)
        c.offsetsRetentionMs = (int("offsets.retention.minutes") ?? 10080) &* 60_000
        c.offsetsRetentionCheckIntervalMs = int("offsets.retention.check.interval.ms") ?? 600_000
        c.offsetCommitTimeoutMs = int("offsets.commit.timeout.ms") ?? 5000
        c.initialRebalanceDelayMs = Int64(groupInitialRebalanceDelayMs)
        c.minSessionTimeoutMs = Int32(truncatingIfNeeded: int("group.min.session.timeout.ms") ?? 6000)
        c.maxSessionTimeoutMs = Int32(truncatingIfNeeded: int("group.max.session.timeout.ms") ?? 1_800_000)
        c.classicGroupMaxSize = Int(int("group.max.size") ?? Int64(Int32.max))
        c.consumerSessionTimeoutMs = Int32(truncatingIfNeeded: int("group.consumer.session.timeout.ms") ?? 45_000)
        c.consumerHeartbeatIntervalMs = Int32(truncatingIfNeeded: int("group.consumer.heartbeat.interval.ms") ?? 5000)
        c.consumerGroupMaxSize = Int(int("group.consumer.max.size") ?? Int64(Int32.max))
        if let assignors = value("group.consumer.assignors")?.items, !assignors.isEmpty {
            // Kafka names them by class; the assignor's own name is what clients send.
            c.consumerAssignors = assignors.map {
                $0.hasSuffix("UniformAssignor") ? "uniform" : $0.hasSuffix("RangeAssignor") ? "range" : $0
            }
        }
        return c
    }

    /// The transaction coordinator's settings from transaction.* keys.
    public var transactionCoordinator: TransactionCoordinatorConfig {
        var c = TransactionCoordinatorConfig()
        c.logPartitions = Int32(truncatingIfNeeded: int("transaction.state.log.num.partitions") ?? 50)
        c.logReplicationFactor = Int16(clamping: int("transaction.state.log.replication.factor") ?? 1)
        c.logSegmentBytes = Int(int("transaction.state.log.segment.bytes") ?? 104_857_600)
        c.maxTimeoutMs = Int32(truncatingIfNeeded: int("transaction.max.timeout.ms") ?? 900_000)
        c.idExpirationMs = int("transactional.id.expiration.ms") ?? 604_800_000
        c.abortTimedOutIntervalMs = int("transaction.abort.timed.out.transaction.cleanup.interval.ms") ?? 10_000
        c.removeExpiredIntervalMs = int("transaction.remove.expired.transaction.cleanup.interval.ms") ?? 3_600_000
        return c
    }

    public var producerExpiration: ProducerExpiration {
        ProducerExpiration(
            expirationMs: int("producer.id.expiration.ms") ?? 86_400_000,
            checkIntervalMs: int("producer.id.expiration.check.interval.ms") ?? 600_000)
    }
}

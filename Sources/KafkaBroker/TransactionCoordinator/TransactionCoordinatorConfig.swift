/// The transaction coordinator's settings, with Kafka's broker config names and defaults
/// (TransactionStateManagerConfig, TransactionLogConfig).
public struct TransactionCoordinatorConfig: Sendable, Equatable {
    /// The internal topic holding every transactional id's state.
    public static let topicName = "__transaction_state"

    /// transaction.state.log.num.partitions. An existing topic keeps its count: placement
    /// depends on it.
    public var logPartitions: Int32 = 50
    /// transaction.state.log.replication.factor (Kafka: 3; one broker can hold only 1).
    public var logReplicationFactor: Int16 = 1
    /// transaction.state.log.min.isr: replicas that must hold a transaction log record before
    /// it is acknowledged (capped at the replica count, as for every topic here).
    public var logMinIsr: Int = 2
    /// How long a transaction log record or marker waits for the in-sync replicas (Kafka:
    /// request.timeout.ms of the coordinator's appends).
    public var replicationTimeoutMs: Int64 = 30_000
    /// transaction.state.log.segment.bytes.
    public var logSegmentBytes: Int = 104_857_600
    /// transaction.max.timeout.ms: a producer asking for more gets INVALID_TRANSACTION_TIMEOUT.
    public var maxTimeoutMs: Int32 = 900_000
    /// transactional.id.expiration.ms: finished transactional ids idle this long are forgotten.
    public var idExpirationMs: Int64 = 604_800_000
    /// transaction.abort.timed.out.transaction.cleanup.interval.ms: how often timed-out
    /// transactions are looked for (and aborted).
    public var abortTimedOutIntervalMs: Int64 = 10_000
    /// transaction.remove.expired.transaction.cleanup.interval.ms.
    public var removeExpiredIntervalMs: Int64 = 3_600_000
    /// Bytes read per step while loading a partition (Kafka: transaction.state.log.load.buffer.size).
    public var loadBufferBytes: Int = 5 * 1024 * 1024

    public init() {}

    /// Topic configs of `__transaction_state` (Kafka's TransactionLog topic configs).
    public var topicConfigs: [String: String] {
        [
            "cleanup.policy": "compact", "segment.bytes": String(logSegmentBytes), "compression.type": "producer",
            "min.insync.replicas": String(logMinIsr), "unclean.leader.election.enable": "false",
        ]
    }
}

import KafkaProtocol

/// The per-topic log settings (Kafka's LogConfig), already resolved against broker defaults by
/// the broker. Defaults are Kafka's. Retention and compaction settings are held for the cleaner.
public struct LogConfig: Sendable, Equatable {
    /// segment.bytes: roll when the active segment would grow past this.
    public var segmentBytes: Int = 1_073_741_824
    /// segment.ms: roll when the active segment's first append is older than this.
    public var segmentMs: Int64 = 604_800_000
    /// max.message.bytes: the largest record batch accepted (1 MiB + 12 bytes of log overhead).
    public var maxMessageBytes: Int = 1_048_588
    /// index.interval.bytes: bytes of log between two sparse index entries.
    public var indexIntervalBytes: Int = 4096
    /// segment.index.bytes: the most a segment's offset index may hold before the segment rolls.
    public var segmentIndexBytes: Int = 10_485_760
    /// flush.messages: fsync after this many unflushed messages (Int64.max: leave it to the OS).
    public var flushMessages: Int64 = .max
    /// flush.ms: fsync when the oldest unflushed data is this old (Int64.max: never).
    public var flushMs: Int64 = .max
    /// message.timestamp.type.
    public var messageTimestampType: TimestampType = .createTime
    /// message.timestamp.before.max.ms / after.max.ms (validated by the broker).
    public var messageTimestampBeforeMaxMs: Int64 = .max
    public var messageTimestampAfterMaxMs: Int64 = .max
    /// retention.ms (-1: unlimited).
    public var retentionMs: Int64 = 604_800_000
    /// retention.bytes (-1: unlimited).
    public var retentionBytes: Int64 = -1
    /// cleanup.policy.
    public var cleanupPolicy: CleanupPolicy = .delete
    /// file.delete.delay.ms: how long deleted segment files linger for readers still using them.
    public var fileDeleteDelayMs: Int64 = 60_000
    /// delete.retention.ms: how long the cleaner keeps tombstones and transaction markers after
    /// it first sees them (their batch carries the delete horizon).
    public var deleteRetentionMs: Int64 = 86_400_000
    /// min.compaction.lag.ms: segments holding a record younger than this are not cleaned.
    public var minCompactionLagMs: Int64 = 0
    /// max.compaction.lag.ms: dirty data older than this is cleaned whatever the dirty ratio.
    public var maxCompactionLagMs: Int64 = .max
    /// min.cleanable.dirty.ratio: the dirty share of the log that makes it worth cleaning.
    public var minCleanableDirtyRatio: Double = 0.5
    /// min.insync.replicas (checked by the broker for acks=-1).
    public var minInsyncReplicas: Int = 1

    public init() {}

    public var isCompacted: Bool { cleanupPolicy.contains(.compact) }

    /// The age at which the active segment rolls: segment.ms, or max.compaction.lag.ms when
    /// smaller on a compacted topic, so old dirty data leaves the active segment (Kafka's maxSegmentMs).
    public var maxSegmentMs: Int64 {
        isCompacted && maxCompactionLagMs > 0 ? min(maxCompactionLagMs, segmentMs) : segmentMs
    }

    /// Entries the offset index may hold (8 bytes each); the time index gets the same count.
    var maxIndexEntries: Int { max(segmentIndexBytes / OffsetIndex.entrySize, 1) }
}

/// cleanup.policy: delete, compact, or both.
public struct CleanupPolicy: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let delete = CleanupPolicy(rawValue: 1)
    public static let compact = CleanupPolicy(rawValue: 2)

    /// Parses Kafka's comma-separated list ("delete", "compact", "compact,delete").
    public init?(configValue: String) {
        var policy: CleanupPolicy = []
        for part in configValue.split(separator: ",") {
            switch part.trimmingWhitespace() {
            case "delete": policy.insert(.delete)
            case "compact": policy.insert(.compact)
            default: return nil
            }
        }
        guard !policy.isEmpty else { return nil }
        self = policy
    }

    public var configValue: String {
        [contains(.compact) ? "compact" : nil, contains(.delete) ? "delete" : nil].compactMap { $0 }.joined(separator: ",")
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var s = self
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}

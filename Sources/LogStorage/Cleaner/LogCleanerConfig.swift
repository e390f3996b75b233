/// The broker-wide settings of background log maintenance: the retention check and the log
/// cleaner (Kafka's log.retention.check.interval.ms and log.cleaner.*). Defaults are Kafka's,
/// except that the dedupe map is allocated as it fills instead of up front.
public struct LogMaintenanceConfig: Sendable, Equatable {
    /// log.retention.check.interval.ms: how often retention looks for segments to delete.
    public var retentionCheckIntervalMs: Int64 = 300_000
    public var cleaner = LogCleanerConfig()

    public init(retentionCheckIntervalMs: Int64 = 300_000, cleaner: LogCleanerConfig = LogCleanerConfig()) {
        self.retentionCheckIntervalMs = retentionCheckIntervalMs
        self.cleaner = cleaner
    }
}

public struct LogCleanerConfig: Sendable, Equatable {
    /// log.cleaner.enable: compacted topics are cleaned only when set.
    public var enabled = true
    /// log.cleaner.threads: logs cleaned at once; the dedupe buffer is split between them.
    public var threads = 1
    /// log.cleaner.dedupe.buffer.size: bytes of key-hash → offset map across all threads, the
    /// bound on the cleaner's memory besides its I/O buffers (24 bytes per distinct key).
    public var dedupeBufferSize = 134_217_728
    /// log.cleaner.io.buffer.load.factor: how full the map may get before a round stops adding keys.
    public var dedupeLoadFactor = 0.9
    /// log.cleaner.io.buffer.size: read plus write buffer bytes across all threads (they grow to
    /// fit a larger batch, up to max.message.bytes, and shrink back after it).
    public var ioBufferSize = 524_288
    /// log.cleaner.io.max.bytes.per.second: the cleaner's read plus write rate limit
    /// (Double.greatestFiniteMagnitude: none).
    public var maxIOBytesPerSecond = Double.greatestFiniteMagnitude
    /// log.cleaner.backoff.ms: the pause when no log needs cleaning.
    public var backoffMs: Int64 = 15_000

    public init() {}

    /// Map bytes each thread may use.
    var dedupeBytesPerThread: Int { dedupeBufferSize / max(threads, 1) }
    /// Each thread's read buffer and write buffer (Kafka splits the I/O buffer in two per thread).
    var ioBufferPerThread: Int { max(ioBufferSize / max(threads, 1) / 2, 4096) }
}

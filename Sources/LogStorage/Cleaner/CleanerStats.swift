import Metrics

/// What one cleaning round did, for the log line, metrics, tests and the benchmark.
public struct CleanerRoundSummary: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// The new first dirty offset (everything below was cleaned).
    public var endOffset: Int64 = 0
    public var segmentsCleaned = 0
    public var segmentsWritten = 0
    /// Bytes and records read while building the offset map (the dirty section).
    public var mapBytesRead: Int64 = 0
    public var mapRecordsRead: Int64 = 0
    public var mapEntries = 0
    /// Bytes and records read and kept while rewriting segments.
    public var bytesRead: Int64 = 0
    public var bytesWritten: Int64 = 0
    public var recordsRead: Int64 = 0
    public var recordsKept: Int64 = 0
    /// Records without a key, which a compacted log cannot keep.
    public var keylessRecords: Int64 = 0
    /// Largest offset-map table held, in bytes.
    public var mapBytesAllocated = 0
    public var elapsedNs: UInt64 = 0
    /// The longest the partition lock was held for one swap.
    public var longestSwapNs: UInt64 = 0

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// Dirty megabytes (10^6 bytes) cleaned per second, as Kafka's cleaner reports.
    public var throughputMBps: Double {
        elapsedNs > 0 ? Double(mapBytesRead) / 1e6 / (Double(elapsedNs) / 1e9) : 0
    }
}

/// The cleaner's metrics; no per-partition labels.
final class CleanerMetrics: Sendable {
    let rounds: Counter
    let failures: Counter
    let bytesRead: Counter
    let bytesWritten: Counter
    let recordsRemoved: Counter
    let roundDuration: Timer

    init(prefix: String = "petrel_log_cleaner") {
        rounds = Counter(label: "\(prefix)_rounds_total")
        failures = Counter(label: "\(prefix)_failures_total")
        bytesRead = Counter(label: "\(prefix)_bytes_read_total")
        bytesWritten = Counter(label: "\(prefix)_bytes_written_total")
        recordsRemoved = Counter(label: "\(prefix)_records_removed_total")
        roundDuration = Timer(label: "\(prefix)_round_duration")
    }

    func record(_ summary: CleanerRoundSummary) {
        rounds.increment()
        bytesRead.increment(by: summary.mapBytesRead + summary.bytesRead)
        bytesWritten.increment(by: summary.bytesWritten)
        recordsRemoved.increment(by: summary.recordsRead - summary.recordsKept)
        roundDuration.recordNanoseconds(Int64(clamping: summary.elapsedNs))
    }
}

import Metrics

/// LogStorage's metrics, created once per LogManager. No per-partition labels, so the label set
/// stays bounded however many partitions the broker hosts.
public final class StorageMetrics: Sendable {
    public let bytesAppended: Counter
    public let batchesAppended: Counter
    public let segmentsRolled: Counter
    public let fsyncs: Counter
    public let fsyncDuration: Timer
    public let segmentsRecovered: Counter
    public let writeErrors: Counter

    public init(prefix: String = "petrel_log") {
        bytesAppended = Counter(label: "\(prefix)_bytes_appended_total")
        batchesAppended = Counter(label: "\(prefix)_batches_appended_total")
        segmentsRolled = Counter(label: "\(prefix)_segments_rolled_total")
        fsyncs = Counter(label: "\(prefix)_fsyncs_total")
        fsyncDuration = Timer(label: "\(prefix)_fsync_duration")
        segmentsRecovered = Counter(label: "\(prefix)_segments_recovered_total")
        writeErrors = Counter(label: "\(prefix)_write_errors_total")
    }
}

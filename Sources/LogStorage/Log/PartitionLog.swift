import KafkaProtocol
import Logging
import Synchronization

/// The log of one partition: a directory of segments with one lock. Appends, reads and offset
/// bookkeeping take only this partition's lock (never a global one), and never hold it across
/// an fsync or a bulk read: reads find their byte range under the lock and copy or sendfile
/// after it, from a reference-counted file that outlives segment deletion.
public final class PartitionLog: Sendable {
    public let topic: String
    public let partition: Int32
    public let directory: String
    /// What opening the log found and did (recovery, index rebuilds); tests and operators read it.
    public let loadSummary: LogLoadSummary

    let io: any LogFileIO
    let clock: any LogClock
    let logger: Logger
    let metrics: StorageMetrics
    let flusher: LogFlusher?
    /// Tells the manager to checkpoint the log start offset (after DeleteRecords).
    let onLogStartOffsetChange: (@Sendable () -> Void)?
    let state: Mutex<State>
    /// Serializes flushes so two never interleave their bookkeeping; appends do not take it.
    let flushLock = Mutex(())

    struct State {
        var config: LogConfig
        /// Ascending base offsets; the last one is active.
        var segments: [LogSegment]
        var logStartOffset: Int64
        var highWatermark: Int64
        /// Offsets below this are fsynced.
        var recoveryPoint: Int64
        var epochCache: LeaderEpochCache
        /// Idempotent producers' epochs and last batches; checked and updated with each append.
        var producers: ProducerStateManager
        var unflushedMessages: Int64 = 0
        var lastFlushMs: Int64
        var totalSize: Int64
        var flushRequested = false
        /// Where in the active segment the last background flush was asked for.
        var flushedFrom: Int64 = 0
        /// A segment file was created since the directory was last fsynced.
        var directoryDirty = false
        var closed = false

        var active: LogSegment {
            // `segments` is never empty: the loader and truncation always leave one.
            segments[segments.count - 1]
        }

        var logEndOffset: Int64 { active.nextOffset }

        /// The index of the segment holding `offset`: the last one whose base is at or below it.
        func segmentIndex(for offset: Int64) -> Int? {
            var low = 0
            var high = segments.count - 1
            var found: Int?
            while low <= high {
                let mid = (low + high) / 2
                if segments[mid].baseOffset <= offset {
                    found = mid
                    low = mid + 1
                } else {
                    high = mid - 1
                }
            }
            return found
        }

        func segment(withBase base: Int64) -> LogSegment? {
            guard let index = segmentIndex(for: base), segments[index].baseOffset == base else { return nil }
            return segments[index]
        }
    }

    init(
        topic: String, partition: Int32, directory: String, state: sending State, loadSummary: LogLoadSummary,
        io: any LogFileIO, clock: any LogClock, logger: Logger, metrics: StorageMetrics, flusher: LogFlusher?,
        onLogStartOffsetChange: (@Sendable () -> Void)?
    ) {
        self.onLogStartOffsetChange = onLogStartOffsetChange
        self.topic = topic
        self.partition = partition
        self.directory = directory
        self.state = Mutex(state)
        self.loadSummary = loadSummary
        self.io = io
        self.clock = clock
        var logger = logger
        logger[metadataKey: "topic"] = "\(topic)"
        logger[metadataKey: "partition"] = "\(partition)"
        self.logger = logger
        self.metrics = metrics
        self.flusher = flusher
    }

    public var config: LogConfig { state.withLock { $0.config } }

    /// New settings apply to the next append (segment.bytes, segment.ms) and flush decision.
    public func updateConfig(_ config: LogConfig) {
        state.withLock { $0.config = config }
    }

    public var logStartOffset: Int64 { state.withLock { $0.logStartOffset } }
    public var logEndOffset: Int64 { state.withLock { $0.logEndOffset } }
    public var highWatermark: Int64 { state.withLock { $0.highWatermark } }
    public var recoveryPoint: Int64 { state.withLock { $0.recoveryPoint } }
    /// Bytes in all segment files (DescribeLogDirs).
    public var size: Int64 { state.withLock { $0.totalSize } }
    public var segmentCount: Int { state.withLock { $0.segments.count } }
    public var segmentBaseOffsets: [Int64] { state.withLock { $0.segments.map(\.baseOffset) } }

    /// Sets the high watermark, clamped to [log start, log end]: the broker sets it to the log end
    /// on a single node and to the ISR's minimum with replication.
    public func updateHighWatermark(_ offset: Int64) {
        state.withLock { state in
            state.highWatermark = min(max(offset, state.logStartOffset), state.logEndOffset)
        }
    }

    func error(_ code: ErrorCode, _ message: String, offset: Int64? = nil) -> StorageError {
        StorageError(code, message, topic: topic, partition: partition, offset: offset)
    }
}

/// What `PartitionLog.open` found: whether it trusted the files or scanned them.
public struct LogLoadSummary: Sendable, Equatable {
    /// Segments whose batches were validated (unclean shutdown or bad indexes).
    public var recoveredSegments = 0
    /// Segments whose indexes were rebuilt.
    public var rebuiltIndexes = 0
    /// Bytes cut from the end of a segment because they did not form valid batches.
    public var truncatedBytes: Int64 = 0
    /// Segments deleted because they came after a corrupt batch.
    public var droppedSegments = 0
    /// Whether the files were trusted because the last shutdown was clean.
    public var cleanShutdown = false
    /// The producer snapshot loaded (nil: none, the log was replayed from its start) and the
    /// batches with producer ids replayed after it.
    public var producerSnapshotOffset: Int64?
    public var replayedProducerBatches = 0

    public init() {}
}

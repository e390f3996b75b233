import KafkaProtocol
import Logging

/// What the manager's checkpoints say about a partition when it is opened.
public struct LogRecoveryState: Sendable, Equatable {
    /// Offsets below this were fsynced; segments from the one holding it are rescanned after an
    /// unclean shutdown.
    public var recoveryPoint: Int64
    public var logStartOffset: Int64
    public var highWatermark: Int64
    /// The directory held a clean-shutdown marker: trust the files, scan nothing.
    public var cleanShutdown: Bool

    public init(recoveryPoint: Int64 = 0, logStartOffset: Int64 = 0, highWatermark: Int64 = 0, cleanShutdown: Bool = false) {
        self.recoveryPoint = recoveryPoint
        self.logStartOffset = logStartOffset
        self.highWatermark = highWatermark
        self.cleanShutdown = cleanShutdown
    }
}

extension PartitionLog {
    /// Opens (creating if needed) the partition directory and loads it like Kafka's LogLoader:
    /// leftovers of interrupted operations are removed; after a clean shutdown the index files
    /// are trusted; otherwise every segment from the one holding the recovery point is
    /// validated batch by batch (length, magic, CRC, ascending offsets), cut at the first torn or
    /// corrupt batch (later segments are dropped), and its indexes rebuilt. Index files that are
    /// missing or fail the sanity checks are rebuilt the same way.
    public static func open(
        directory: String, topic: String, partition: Int32, config: LogConfig, recovery: LogRecoveryState = .init(),
        clock: any LogClock = SystemLogClock(), io: any LogFileIO = PosixFileIO(), logger: Logger,
        metrics: StorageMetrics = StorageMetrics(), flusher: LogFlusher? = nil,
        onLogStartOffsetChange: (@Sendable () -> Void)? = nil
    ) throws(StorageError) -> PartitionLog {
        var loader = LogLoader(directory: directory, config: config, recovery: recovery, clock: clock, io: io, logger: logger)
        do {
            let state = try loader.load()
            metrics.segmentsRecovered.increment(by: Int64(loader.summary.recoveredSegments))
            return PartitionLog(
                topic: topic, partition: partition, directory: directory, state: state, loadSummary: loader.summary,
                io: io, clock: clock, logger: logger, metrics: metrics, flusher: flusher,
                onLogStartOffsetChange: onLogStartOffsetChange)
        } catch {
            throw error.with(topic: topic, partition: partition)
        }
    }
}

/// Loads a partition directory into PartitionLog state (see `PartitionLog.open`).
struct LogLoader {
    let directory: String
    let config: LogConfig
    let recovery: LogRecoveryState
    let clock: any LogClock
    let io: any LogFileIO
    let logger: Logger
    private(set) var summary = LogLoadSummary()

    init(directory: String, config: LogConfig, recovery: LogRecoveryState, clock: any LogClock, io: any LogFileIO, logger: Logger) {
        self.directory = directory
        self.config = config
        self.recovery = recovery
        self.clock = clock
        self.io = io
        self.logger = logger
        summary.cleanShutdown = recovery.cleanShutdown
    }

    mutating func load() throws(StorageError) -> PartitionLog.State {
        try Posix.makeDirectory(directory)
        let bases = try segmentBaseOffsets()
        var epochCache = LeaderEpochCache.load(path: "\(directory)/\(LogFileNames.leaderEpochCheckpoint)").cache
        let storedEpochs = epochCache.entries
        var segments = try openSegments(bases, epochCache: &epochCache)
        if segments.isEmpty {
            let start = max(recovery.logStartOffset, 0)
            segments = [try LogSegment.create(dir: directory, baseOffset: start, config: config, io: io)]
        }
        let end = segments[segments.count - 1].nextOffset
        let logStart = min(max(recovery.logStartOffset, segments[0].baseOffset), end)
        epochCache.truncateFromEnd(end)
        epochCache.truncateFromStart(logStart)
        if epochCache.entries != storedEpochs { try epochCache.write() }
        let now = clock.nowMs
        let recovered = summary.recoveredSegments > 0
        // After recovery, so the replay only reads batches that survived it.
        var producers = ProducerStateManager(directory: directory)
        let producerLoad = try producers.rebuild(segments: segments, logStartOffset: logStart, logEndOffset: end, nowMs: now, io: io)
        if let problem = producerLoad.problem {
            logger.warning("producer state replay stopped early", metadata: ["reason": "\(problem)"])
        }
        summary.producerSnapshotOffset = producerLoad.snapshotOffset
        summary.replayedProducerBatches = producerLoad.replayedBatches
        return PartitionLog.State(
            config: config, segments: segments, logStartOffset: logStart,
            highWatermark: min(max(recovery.highWatermark, logStart), end),
            recoveryPoint: recovered ? end : min(max(recovery.recoveryPoint, logStart), end),
            epochCache: epochCache, producers: producers, lastFlushMs: now, totalSize: segments.reduce(0) { $0 + $1.size })
    }

    /// Base offsets of the `.log` files, ascending, after removing leftovers and orphan indexes.
    private func segmentBaseOffsets() throws(StorageError) -> [Int64] {
        try SwapRecovery.run(in: directory, io: io, logger: logger)
        let names = try Posix.list(directory)
        var bases: [Int64] = []
        var indexFiles: [(String, Int64)] = []
        for name in names {
            if LogFileNames.leftoverSuffixes.contains(where: { name.hasSuffix($0) }) {
                try Posix.remove("\(directory)/\(name)")
            } else if let base = LogFileNames.baseOffset(of: name, suffix: LogFileNames.logSuffix) {
                bases.append(base)
            } else if let base = LogFileNames.baseOffset(of: name, suffix: LogFileNames.indexSuffix)
                        ?? LogFileNames.baseOffset(of: name, suffix: LogFileNames.timeIndexSuffix)
                        ?? LogFileNames.baseOffset(of: name, suffix: LogFileNames.txnIndexSuffix) {
                indexFiles.append((name, base))
            }
        }
        let known = Set(bases)
        for (name, base) in indexFiles where !known.contains(base) {
            try Posix.remove("\(directory)/\(name)")
        }
        return bases.sorted()
    }

    private mutating func openSegments(_ bases: [Int64], epochCache: inout LeaderEpochCache) throws(StorageError) -> [LogSegment] {
        // After an unclean shutdown, everything from the segment holding the recovery point on
        // may hold unsynced (torn) data.
        let firstUnflushed: Int64 = recovery.cleanShutdown
            ? Int64.max
            : (bases.last(where: { $0 <= recovery.recoveryPoint }) ?? bases.first ?? 0)
        var segments: [LogSegment] = []
        for (position, base) in bases.enumerated() {
            let isLast = position == bases.count - 1
            let mustRecover = base >= firstUnflushed
            let opened = try LogSegment.open(
                dir: directory, baseOffset: base, config: config, io: io, sealed: !isLast, trustIndexes: !mustRecover,
                nowMs: clock.nowMs)
            let segment = opened.segment
            if opened.needsRecovery {
                let outcome = try segment.recover(config: config, io: io, nowMs: clock.nowMs) { header in
                    epochCache.assign(epoch: header.partitionLeaderEpoch, startOffset: header.baseOffset)
                }
                summary.recoveredSegments += 1
                summary.rebuiltIndexes += 1
                if let problem = outcome.problem {
                    summary.truncatedBytes += outcome.truncatedBytes
                    logger.warning("truncated a torn or corrupt segment tail", metadata: [
                        "segment": "\(base)", "validBytes": "\(outcome.validBytes)",
                        "truncatedBytes": "\(outcome.truncatedBytes)", "reason": "\(problem)",
                    ])
                    segments.append(segment)
                    try dropSegments(bases[(position + 1)...])
                    break
                }
            }
            segments.append(segment)
        }
        // All but the last are sealed: final time index entry, indexes on disk and mapped.
        for segment in segments.dropLast() { try segment.seal(io: io) }
        try syncRecovered(segments)
        return segments
    }

    private mutating func dropSegments(_ bases: ArraySlice<Int64>) throws(StorageError) {
        for base in bases {
            for path in LogFileNames.segmentFiles(directory, base) {
                try Posix.remove(path)
            }
            summary.droppedSegments += 1
        }
        if !bases.isEmpty {
            logger.warning("dropped segments after a corrupt batch", metadata: ["segments": "\(bases.count)"])
        }
    }

    /// Recovered data goes to disk before the recovery point moves past it.
    private func syncRecovered(_ segments: [LogSegment]) throws(StorageError) {
        guard summary.recoveredSegments > 0 || summary.droppedSegments > 0 else { return }
        for segment in segments where segment.needsSync {
            try segment.file.sync()
            try Posix.syncFile(segment.offsetIndex.entries.path, io: io)
            try Posix.syncFile(segment.timeIndex.entries.path, io: io)
            try segment.txnIndex.sync(io: io)
            segment.needsSync = false
        }
        Posix.syncDirectory(directory)
    }
}

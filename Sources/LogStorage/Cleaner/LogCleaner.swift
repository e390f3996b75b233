import Dispatch
import Foundation
import KafkaProtocol
import Logging
import Synchronization

/// The log cleaner (Kafka's LogCleaner and LogCleanerManager): background threads that compact
/// the logs whose cleanup.policy contains `compact`. Each pass picks the log with the largest
/// dirty ratio among those above their min.cleanable.dirty.ratio (or past max.compaction.lag.ms)
/// and not being cleaned by another thread, cleans it, and checkpoints its new first dirty
/// offset in `cleaner-offset-checkpoint`; with nothing to do a thread sleeps
/// log.cleaner.backoff.ms. A log that fails (I/O error, corrupt batch) is set aside until restart.
///
/// Memory: each thread holds an offset map of at most dedupe.buffer.size / threads bytes, only
/// while it cleans, plus its I/O buffers. I/O is rate-limited across threads.
public final class LogCleaner: Sendable {
    /// An open log and its data directory.
    public typealias LogSource = @Sendable () -> [TopicPartition: (log: PartitionLog, dataDir: String)]

    public let config: LogCleanerConfig
    private let dataDirs: [String]
    private let logs: LogSource
    private let clock: any LogClock
    private let logger: Logger
    private let limiter: IORateLimiter
    private let metrics = CleanerMetrics()
    private let wakeup = DispatchSemaphore(value: 0)
    private let threadsDone = DispatchGroup()
    private let state: Mutex<State>
    /// Shutdown began (read by cleaning rounds after every batch, so an atomic, not the lock).
    private let stopping = Atomic<Bool>(false)
    /// Serializes checkpoint file writes.
    private let checkpointLock = Mutex(())

    private struct State {
        var inProgress = Set<TopicPartition>()
        /// Partitions set aside after a failure, with the identity of the log that failed (a
        /// partition deleted and created again is a new log and is cleaned).
        var uncleanable: [TopicPartition: ObjectIdentifier] = [:]
        var firstDirty: [TopicPartition: Int64] = [:]
        var stopping = false
        var started = false
        var lastRound: CleanerRoundSummary?
        var rounds = 0
    }

    public init(
        config: LogCleanerConfig, dataDirs: [String], logs: @escaping LogSource, clock: any LogClock = SystemLogClock(),
        logger: Logger
    ) {
        self.config = config
        self.dataDirs = dataDirs
        self.logs = logs
        self.clock = clock
        self.logger = logger
        self.limiter = IORateLimiter(bytesPerSecond: config.maxIOBytesPerSecond)
        var firstDirty: [TopicPartition: Int64] = [:]
        for dir in dataDirs {
            do {
                firstDirty.merge(try OffsetCheckpoint.read("\(dir)/\(LogFileNames.cleanerCheckpoint)")) { first, _ in first }
            } catch {
                logger.warning("ignoring unreadable cleaner checkpoint; those logs are cleaned from their start", metadata: [
                    "dir": "\(dir)", "error": "\(error)",
                ])
            }
        }
        state = Mutex(State(firstDirty: firstDirty))
    }

    /// Starts the cleaner threads (log.cleaner.threads; with 0, rounds run only through
    /// `cleanOnce`, which tests use to drive rounds without a thread racing them).
    public func start() {
        let start = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started && !state.stopping
        }
        guard start else { return }
        for index in 0..<max(config.threads, 0) {
            threadsDone.enter()
            let thread = Thread { [self] in
                run()
                threadsDone.leave()
            }
            thread.name = "petrel-log-cleaner-\(index)"
            thread.start()
        }
        logger.info("log cleaner started", metadata: [
            "threads": "\(config.threads)", "dedupeBufferBytes": "\(config.dedupeBufferSize)",
            "backoffMs": "\(config.backoffMs)",
        ])
    }

    /// Stops the threads, aborting rounds in progress (their cleaned files are deleted), and
    /// waits for them to exit.
    public func shutdown() {
        let started = state.withLock { state -> Bool in
            state.stopping = true
            stopping.store(true, ordering: .sequentiallyConsistent)
            return state.started
        }
        guard started else { return }
        for _ in 0..<max(config.threads, 0) { wakeup.signal() }
        // Called on a cleaner thread (the log manager's last reference went there): the
        // threads exit on their own; waiting would wait for this one.
        if Thread.current.threadDictionary[Self.threadMarker] != nil { return }
        threadsDone.wait()
    }

    /// Ends the current backoff sleep of one thread (a log was just made compacted, tests).
    public func wake() { wakeup.signal() }

    private var isStopping: Bool { stopping.load(ordering: .relaxed) }

    private static let threadMarker = "petrel.log-cleaner"

    private func run() {
        Thread.current.threadDictionary[Self.threadMarker] = true
        let cleaner = makeCleaner()
        while !isStopping {
            if cleanFilthiestLog(with: cleaner) == nil {
                _ = wakeup.wait(timeout: .now() + .milliseconds(Int(clamping: max(config.backoffMs, 1))))
            }
        }
    }

    private func makeCleaner() -> Cleaner {
        Cleaner(
            config: config, limiter: limiter, clock: clock, logger: logger,
            stopping: { [weak self] in self?.isStopping ?? true })
    }

    /// One pass on the caller's thread: cleans the filthiest cleanable log, if any.
    @discardableResult
    public func cleanOnce() -> CleanerRoundSummary? {
        cleanFilthiestLog(with: makeCleaner())
    }

    /// The first dirty offset checkpointed for a partition (nil: never cleaned).
    public func firstDirtyOffset(topic: String, partition: Int32) -> Int64? {
        state.withLock { $0.firstDirty[TopicPartition(topic: topic, partition: partition)] }
    }

    /// The last round completed by any thread, and how many rounds have completed.
    public var lastRound: (summary: CleanerRoundSummary?, rounds: Int) {
        state.withLock { ($0.lastRound, $0.rounds) }
    }

    /// Partitions set aside after a failure.
    public var uncleanablePartitions: Set<TopicPartition> { state.withLock { Set($0.uncleanable.keys) } }

    /// The partition's log was deleted: its first dirty offset is forgotten (a new topic of the
    /// same name starts dirty from its start), in memory and in its directory's checkpoint.
    /// A round in progress on it aborts on its own (the log is closed).
    public func forget(topic: String, partition: Int32, dataDir: String) {
        let key = TopicPartition(topic: topic, partition: partition)
        let remaining = state.withLock { state -> [TopicPartition: Int64] in
            state.firstDirty.removeValue(forKey: key)
            state.uncleanable.removeValue(forKey: key)
            return state.firstDirty
        }
        let current = logs()
        writeCheckpoint(remaining.filter { current[$0.key]?.dataDir == dataDir }, dir: dataDir)
    }

    private func cleanFilthiestLog(with cleaner: Cleaner) -> CleanerRoundSummary? {
        guard let target = grabFilthiestLog() else { return nil }
        defer { _ = state.withLock { $0.inProgress.remove(target.key) } }
        do throws(CleanerError) {
            let summary = try cleaner.clean(target)
            finish(target, summary)
            return summary
        } catch {
            switch error {
            case .aborted(let reason):
                logger.info("log cleaning aborted", metadata: ["partition": "\(target.key)", "reason": "\(reason)"])
            case .failed(let failure) where target.log.isClosed:
                // Deleted under the round (its directory went): nothing is wrong with the log.
                logger.info("log cleaning aborted", metadata: ["partition": "\(target.key)", "reason": "the log was closed: \(failure)"])
            case .failed(let failure):
                metrics.failures.increment()
                state.withLock { $0.uncleanable[target.key] = ObjectIdentifier(target.log) }
                logger.error("log cleaning failed; the partition is not cleaned again until restart", metadata: [
                    "partition": "\(target.key)", "error": "\(failure)",
                ])
            }
            return nil
        }
    }

    /// Kafka's grabFilthiestCompactedLog: the cleanable log with the highest dirty ratio, marked
    /// in progress.
    private func grabFilthiestLog() -> LogToClean? {
        let (inProgress, uncleanable, checkpoints) = state.withLock { state in
            (state.inProgress, state.uncleanable, state.firstDirty)
        }
        let now = clock.nowMs
        var candidates: [LogToClean] = []
        for (key, entry) in logs() where !inProgress.contains(key) && uncleanable[key] != ObjectIdentifier(entry.log) {
            let view = entry.log.cleaningView()
            guard view.config.isCompacted, !view.closed else { continue }
            let target = LogToClean(key: key, log: entry.log, view: view, checkpoint: checkpoints[key], nowMs: now) { segment in
                Self.firstBatchTimestamp(segment)
            }
            if target.checkpointReset { updateCheckpoint(key, target.firstDirtyOffset, log: entry.log) }
            if target.isCleanable(minRatio: view.config.minCleanableDirtyRatio) { candidates.append(target) }
        }
        candidates.sort { $0.cleanableRatio > $1.cleanableRatio }
        return state.withLock { state in
            guard !state.stopping, let chosen = candidates.first(where: { !state.inProgress.contains($0.key) }) else { return nil }
            state.inProgress.insert(chosen.key)
            return chosen
        }
    }

    private static func firstBatchTimestamp(_ segment: CleanableSegment) -> Int64? {
        var scanner = BatchScanner(file: segment.file, from: 0, end: segment.size, chunkSize: RecordBatchHeader.size)
        guard case .batch(let header, _, _)? = try? scanner.next() else { return nil }
        return header.maxTimestamp
    }

    private func finish(_ target: LogToClean, _ summary: CleanerRoundSummary) {
        metrics.record(summary)
        state.withLock { state in
            state.lastRound = summary
            state.rounds += 1
        }
        updateCheckpoint(target.key, summary.endOffset, log: target.log)
        logger.info("cleaned log", metadata: [
            "partition": "\(target.key)", "dirtyRatio": "\(target.cleanableRatio)", "endOffset": "\(summary.endOffset)",
            "segments": "\(summary.segmentsCleaned)", "cleanedSegments": "\(summary.segmentsWritten)",
            "dirtyBytes": "\(summary.mapBytesRead)", "bytesRead": "\(summary.bytesRead)", "bytesWritten": "\(summary.bytesWritten)",
            "records": "\(summary.recordsRead)", "recordsKept": "\(summary.recordsKept)", "mapEntries": "\(summary.mapEntries)",
            "mapBytes": "\(summary.mapBytesAllocated)", "ms": "\(summary.elapsedNs / 1_000_000)",
            "longestSwapUs": "\(summary.longestSwapNs / 1_000)",
            "dirtyMBps": "\(Int(summary.throughputMBps))",
        ])
    }

    /// Records a partition's first dirty offset and rewrites its data directory's checkpoint
    /// (partitions no longer hosted drop out).
    private func updateCheckpoint(_ key: TopicPartition, _ offset: Int64, log: PartitionLog) {
        let current = logs()
        // A partition deleted (and maybe created again) during the round keeps no checkpoint.
        guard current[key]?.log === log else { return }
        let entries = state.withLock { state -> [TopicPartition: Int64] in
            state.firstDirty[key] = offset
            state.firstDirty = state.firstDirty.filter { current[$0.key] != nil }
            return state.firstDirty
        }
        guard let dir = current[key]?.dataDir else { return }
        writeCheckpoint(entries.filter { current[$0.key]?.dataDir == dir }, dir: dir)
    }

    private func writeCheckpoint(_ mine: [TopicPartition: Int64], dir: String) {
        checkpointLock.withLock { _ in
            do {
                try OffsetCheckpoint.write(mine, to: "\(dir)/\(LogFileNames.cleanerCheckpoint)")
            } catch {
                logger.warning("cannot write the cleaner checkpoint", metadata: ["dir": "\(dir)", "error": "\(error)"])
            }
        }
    }
}

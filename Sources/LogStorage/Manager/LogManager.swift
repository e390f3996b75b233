import KafkaProtocol
import Logging
import Synchronization

/// Owns the data directories: opens (and recovers) every partition found there at startup,
/// creates and deletes partition logs, writes the per-directory checkpoints, and closes all logs
/// cleanly at shutdown. Topic metadata (configs, partition counts) belongs to the broker, which
/// hands each log its config through `openOrCreateLog`.
///
/// Its lock guards only the map of logs (admin and lookup paths); appends and reads go to a
/// PartitionLog directly and never touch it.
public final class LogManager: Sendable {
    public let dataDirs: [String]
    let defaultConfig: LogConfig
    let clock: any LogClock
    let io: any LogFileIO
    let logger: Logger
    public let metrics: StorageMetrics
    let flusher: LogFlusher
    let checkpointIntervalMs: Int64

    struct Entry {
        var log: PartitionLog
        var dir: String
        var topicId: KafkaUUID?
    }

    struct Logs {
        /// Every open log. Changed only through `insert` and `remove`, which keep `perDirectory`.
        private(set) var entries: [TopicPartition: Entry] = [:]
        /// Logs per data directory, kept with `entries` so placing a new log counts nothing.
        private(set) var perDirectory: [String: Int] = [:]
        var closed = false
        var lastCheckpointMs: Int64 = 0
        var lastProducerExpirationMs: Int64 = 0

        mutating func insert(_ entry: Entry, for key: TopicPartition) {
            if let replaced = entries.updateValue(entry, forKey: key) { perDirectory[replaced.dir, default: 0] -= 1 }
            perDirectory[entry.dir, default: 0] += 1
        }

        mutating func remove(_ key: TopicPartition) -> Entry? {
            guard let removed = entries.removeValue(forKey: key) else { return nil }
            perDirectory[removed.dir, default: 0] -= 1
            return removed
        }
    }

    let producerExpiration: ProducerExpiration

    let logs = Mutex(Logs())
    /// Serializes checkpoint file writes (the tick, DeleteRecords and shutdown all write them).
    let checkpointLock = Mutex(())
    /// Retention and the cleaner, once `startMaintenance` ran.
    let maintenance = Mutex<LogMaintenance?>(nil)

    /// One data directory (the broker's `log.dirs` with one entry).
    public convenience init(
        dataDir: String, logger: Logger, defaultConfig: LogConfig = LogConfig(), clock: any LogClock = SystemLogClock(),
        io: any LogFileIO = PosixFileIO(), metrics: StorageMetrics = StorageMetrics(), flushCheckIntervalMs: Int = 1000,
        producerExpiration: ProducerExpiration = ProducerExpiration()
    ) throws(StorageError) {
        try self.init(
            dataDirs: [dataDir], logger: logger, defaultConfig: defaultConfig, clock: clock, io: io, metrics: metrics,
            flushCheckIntervalMs: flushCheckIntervalMs, producerExpiration: producerExpiration)
    }

    /// Opens every partition directory under `dataDirs`. Directories without a clean-shutdown
    /// marker are recovered from their recovery-point checkpoint; the marker is then removed
    /// so a crash from here on is noticed at the next start.
    public init(
        dataDirs: [String], logger: Logger, defaultConfig: LogConfig = LogConfig(), clock: any LogClock = SystemLogClock(),
        io: any LogFileIO = PosixFileIO(), metrics: StorageMetrics = StorageMetrics(), flushCheckIntervalMs: Int = 1000,
        checkpointIntervalMs: Int64 = 60_000, producerExpiration: ProducerExpiration = ProducerExpiration()
    ) throws(StorageError) {
        guard !dataDirs.isEmpty else { throw StorageError(.kafkaStorageError, "no data directory configured") }
        self.dataDirs = dataDirs
        self.defaultConfig = defaultConfig
        self.clock = clock
        self.io = io
        self.logger = logger
        self.metrics = metrics
        self.flusher = LogFlusher()
        self.checkpointIntervalMs = checkpointIntervalMs
        self.producerExpiration = producerExpiration
        var loaded: [TopicPartition: Entry] = [:]
        for dir in dataDirs {
            try loadDirectory(dir, into: &loaded)
        }
        let now = clock.nowMs
        logs.withLock { state in
            for (key, entry) in loaded { state.insert(entry, for: key) }
            state.lastCheckpointMs = now
            state.lastProducerExpirationMs = now
        }
        flusher.startTicking(every: max(flushCheckIntervalMs, 10)) { [weak self] in self?.tick() }
    }

    deinit {
        flusher.stopTicking()
        stopMaintenance()
    }

    /// The log of a partition, if this broker has it.
    public func log(topic: String, partition: Int32) -> PartitionLog? {
        logs.withLock { $0.entries[TopicPartition(topic: topic, partition: partition)]?.log }
    }

    /// Every open log, for the broker's startup reconciliation and DescribeLogDirs.
    public var allLogs: [TopicPartition: PartitionLog] {
        logs.withLock { $0.entries.mapValues(\.log) }
    }

    /// The data directory holding a partition.
    public func dataDir(topic: String, partition: Int32) -> String? {
        logs.withLock { $0.entries[TopicPartition(topic: topic, partition: partition)]?.dir }
    }

    /// Bytes on disk per partition (DescribeLogDirs).
    public func partitionSizes() -> [TopicPartition: Int64] {
        allLogs.mapValues(\.size)
    }

    /// Returns the partition's log, creating its directory and `partition.metadata` when new.
    /// An existing log gets `config`. A directory whose topic id differs from `topicId` belongs
    /// to another (deleted) topic of the same name: INCONSISTENT_TOPIC_ID.
    public func openOrCreateLog(topic: String, partition: Int32, topicId: KafkaUUID, config: LogConfig) throws(StorageError) -> PartitionLog {
        guard Self.isValidTopicDirectoryName(topic), partition >= 0 else {
            throw StorageError(.invalidTopicException, "cannot store topic '\(topic)' partition \(partition)")
        }
        let key = TopicPartition(topic: topic, partition: partition)
        return try logs.withLock { state throws(StorageError) -> PartitionLog in
            guard !state.closed else { throw StorageError(.kafkaStorageError, "the log manager is closed") }
            if var entry = state.entries[key] {
                if let existing = entry.topicId, !topicId.isZero, existing != topicId {
                    throw StorageError(.inconsistentTopicId, "partition \(key) on disk belongs to topic id \(existing), not \(topicId)", topic: topic, partition: partition)
                }
                if entry.topicId == nil, !topicId.isZero {
                    try PartitionMetadataFile.write(topicId: topicId, in: "\(entry.dir)/\(key)")
                    entry.topicId = topicId
                    state.insert(entry, for: key)
                }
                entry.log.updateConfig(config)
                return entry.log
            }
            let dir = leastLoadedDirectory(state.perDirectory)
            let directory = "\(dir)/\(LogFileNames.partitionDirectory(topic: topic, partition: partition))"
            let log = try openLog(directory: directory, key: key, config: config, recovery: LogRecoveryState(cleanShutdown: true))
            if !topicId.isZero { try PartitionMetadataFile.write(topicId: topicId, in: directory) }
            Posix.syncDirectory(dir)
            state.insert(Entry(log: log, dir: dir, topicId: topicId.isZero ? nil : topicId), for: key)
            logger.info("created partition log", metadata: ["topic": "\(topic)", "partition": "\(partition)", "dir": "\(dir)"])
            return log
        }
    }

    /// Deletes a partition: the log stops taking appends, its directory is renamed
    /// `<topic>-<partition>.<id>-delete` at once (so a restart never reloads it) and removed in
    /// the background. Reads already holding its files finish from the unlinked inodes.
    public func deleteLog(topic: String, partition: Int32) throws(StorageError) {
        let key = TopicPartition(topic: topic, partition: partition)
        guard let entry = logs.withLock({ $0.remove(key) }) else { return }
        entry.log.markDeleted()
        cleaner?.forget(topic: topic, partition: partition, dataDir: entry.dir)
        let from = "\(entry.dir)/\(key)"
        let to = "\(from).\(KafkaUUID.random().hex)\(LogFileNames.deleteDirSuffix)"
        try Posix.rename(from, to)
        Posix.syncDirectory(entry.dir)
        flusher.run { [logger] in
            do {
                try Posix.removeTree(to)
            } catch {
                logger.error("cannot remove deleted partition directory", metadata: ["path": "\(to)", "error": "\(error)"])
            }
        }
        logger.info("deleted partition log", metadata: ["topic": "\(topic)", "partition": "\(partition)"])
    }

    func openLog(directory: String, key: TopicPartition, config: LogConfig, recovery: LogRecoveryState) throws(StorageError) -> PartitionLog {
        try PartitionLog.open(
            directory: directory, topic: key.topic, partition: key.partition, config: config, recovery: recovery,
            clock: clock, io: io, logger: logger, metrics: metrics, flusher: flusher,
            onLogStartOffsetChange: { [weak self] in self?.scheduleCheckpoint() })
    }

    /// The data directory with the fewest logs (the first of equals), as Kafka places new ones.
    private func leastLoadedDirectory(_ counts: [String: Int]) -> String {
        dataDirs.min { counts[$0, default: 0] < counts[$1, default: 0] } ?? dataDirs[0]
    }

    /// Names that are safe as one path component (the broker enforces Kafka's stricter rules).
    static func isValidTopicDirectoryName(_ topic: String) -> Bool {
        !topic.isEmpty && topic != "." && topic != ".." && !topic.contains("/") && !topic.contains("\0")
    }
}

extension KafkaUUID {
    /// 32 hex digits, as Kafka names deleted directories.
    var hex: String {
        func padded(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return padded(high) + padded(low)
    }
}

/// When idle producers are forgotten: Kafka's producer.id.expiration.ms (a day) and
/// producer.id.expiration.check.interval.ms (ten minutes).
public struct ProducerExpiration: Sendable, Equatable {
    public var expirationMs: Int64
    public var checkIntervalMs: Int64

    public init(expirationMs: Int64 = ProducerStateManager.defaultProducerIdExpirationMs, checkIntervalMs: Int64 = 600_000) {
        self.expirationMs = expirationMs
        self.checkIntervalMs = checkIntervalMs
    }
}

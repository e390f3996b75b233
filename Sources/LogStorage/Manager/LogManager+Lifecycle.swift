import KafkaProtocol
import Logging

extension LogManager {
    /// Loads one data directory: removes half-deleted partitions, opens every partition
    /// directory with its checkpointed offsets, then removes the clean-shutdown marker.
    func loadDirectory(_ dir: String, into loaded: inout [TopicPartition: Entry]) throws(StorageError) {
        try Posix.makeDirectory(dir)
        let marker = "\(dir)/\(LogFileNames.cleanShutdown)"
        let clean = Posix.fileExists(marker)
        let recoveryPoints = readCheckpoint(dir, LogFileNames.recoveryPointCheckpoint)
        let logStarts = readCheckpoint(dir, LogFileNames.logStartOffsetCheckpoint)
        let highWatermarks = readCheckpoint(dir, LogFileNames.highWatermarkCheckpoint)
        var recovered = 0
        for name in try Posix.list(dir).sorted() {
            let path = "\(dir)/\(name)"
            guard Posix.isDirectory(path) else { continue }
            if name.hasSuffix(LogFileNames.deleteDirSuffix) {
                try Posix.removeTree(path)
                continue
            }
            guard let (topic, partition) = LogFileNames.parsePartitionDirectory(name) else { continue }
            let key = TopicPartition(topic: topic, partition: partition)
            if let other = loaded[key] {
                throw StorageError(.kafkaStorageError, "partition \(key) is in both \(other.dir) and \(dir)")
            }
            let recovery = LogRecoveryState(
                recoveryPoint: recoveryPoints[key] ?? 0, logStartOffset: logStarts[key] ?? 0,
                highWatermark: highWatermarks[key] ?? 0, cleanShutdown: clean)
            let log = try openLog(directory: path, key: key, config: defaultConfig, recovery: recovery)
            if log.loadSummary.recoveredSegments > 0 { recovered += 1 }
            loaded[key] = Entry(log: log, dir: dir, topicId: PartitionMetadataFile.read(in: path))
        }
        if clean {
            try Posix.remove(marker)
            Posix.syncDirectory(dir)
        }
        logger.info("loaded data directory", metadata: [
            "dir": "\(dir)", "partitions": "\(loaded.values.filter { $0.dir == dir }.count)",
            "cleanShutdown": "\(clean)", "recoveredPartitions": "\(recovered)",
        ])
    }

    private func readCheckpoint(_ dir: String, _ name: String) -> [TopicPartition: Int64] {
        do {
            return try OffsetCheckpoint.read("\(dir)/\(name)")
        } catch {
            // Without it every partition recovers from offset 0: slower, never wrong.
            logger.warning("ignoring unreadable checkpoint", metadata: ["file": "\(dir)/\(name)", "error": "\(error)"])
            return [:]
        }
    }

    /// The background tick: time-based flushes (flush.ms) and the periodic checkpoints.
    func tick() {
        let now = clock.nowMs
        let (logs, checkpointDue, expirationDue) = self.logs.withLock { state -> ([PartitionLog], Bool, Bool) in
            let due = !state.closed && now - state.lastCheckpointMs >= checkpointIntervalMs
            if due { state.lastCheckpointMs = now }
            let expire = !state.closed && now - state.lastProducerExpirationMs >= producerExpiration.checkIntervalMs
            if expire { state.lastProducerExpirationMs = now }
            return (state.closed ? [] : state.entries.values.map(\.log), due, expire)
        }
        for log in logs { log.flushIfDue() }
        if checkpointDue { writeCheckpointsLogged() }
        if expirationDue { for log in logs { log.expireProducers(producerIdExpirationMs: producerExpiration.expirationMs) } }
    }

    /// DeleteRecords moved a log start offset: checkpoint it soon, off the request path.
    func scheduleCheckpoint() {
        flusher.schedule(key: ObjectIdentifier(self)) { [weak self] in self?.writeCheckpointsLogged() }
    }

    private func writeCheckpointsLogged() {
        do {
            try writeCheckpoints()
        } catch {
            logger.error("cannot write checkpoints", metadata: ["error": "\(error)"])
        }
    }

    /// Writes the recovery-point, log-start-offset and high-watermark checkpoint of every data
    /// directory from the open logs.
    public func writeCheckpoints() throws(StorageError) {
        let entries = logs.withLock { state in state.entries.map { ($0.key, $0.value.dir, $0.value.log) } }
        var values: [TopicPartition: PartitionLog.Checkpoints] = [:]
        for (key, _, log) in entries { values[key] = log.checkpoints }
        try write(values, dirs: Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }))
    }

    private func write(_ values: [TopicPartition: PartitionLog.Checkpoints], dirs: [TopicPartition: String]) throws(StorageError) {
        try checkpointLock.withLock { _ throws(StorageError) in
            for dir in dataDirs {
                let mine = values.filter { dirs[$0.key] == dir }
                try OffsetCheckpoint.write(mine.mapValues(\.recoveryPoint), to: "\(dir)/\(LogFileNames.recoveryPointCheckpoint)")
                try OffsetCheckpoint.write(mine.mapValues(\.logStartOffset), to: "\(dir)/\(LogFileNames.logStartOffsetCheckpoint)")
                try OffsetCheckpoint.write(mine.mapValues(\.highWatermark), to: "\(dir)/\(LogFileNames.highWatermarkCheckpoint)")
            }
        }
    }

    /// Clean shutdown: stops the background work, closes every log (flush, indexes to disk),
    /// writes the checkpoints, and leaves the clean-shutdown marker in each directory whose logs
    /// all closed, so the next start trusts the files instead of rescanning them. Idempotent.
    public func closeAll() {
        let open = logs.withLock { state -> [(TopicPartition, String, PartitionLog)]? in
            guard !state.closed else { return nil }
            state.closed = true
            return state.entries.map { ($0.key, $0.value.dir, $0.value.log) }
        }
        guard let entries = open else { return }
        stopMaintenance()
        flusher.shutdown()
        var values: [TopicPartition: PartitionLog.Checkpoints] = [:]
        var failedDirs = Set<String>()
        for (key, dir, log) in entries {
            do {
                values[key] = try log.close()
            } catch {
                failedDirs.insert(dir)
                values[key] = log.checkpoints
                logger.error("unclean close of partition log", metadata: ["partition": "\(key)", "error": "\(error)"])
            }
        }
        do {
            try write(values, dirs: Dictionary(entries.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }))
        } catch {
            logger.error("cannot write checkpoints at shutdown", metadata: ["error": "\(error)"])
            failedDirs.formUnion(dataDirs)
        }
        for dir in dataDirs where !failedDirs.contains(dir) {
            do {
                try Posix.writeAtomically("", to: "\(dir)/\(LogFileNames.cleanShutdown)")
            } catch {
                logger.error("cannot write the clean shutdown marker", metadata: ["dir": "\(dir)", "error": "\(error)"])
            }
        }
        logger.info("closed all logs", metadata: ["partitions": "\(entries.count)"])
    }
}

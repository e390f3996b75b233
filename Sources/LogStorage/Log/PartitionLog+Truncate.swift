import KafkaProtocol

extension PartitionLog {
    /// DeleteRecords: moves the log start offset up to `offset` (at most the high watermark) and
    /// deletes the segments that lie wholly below it. Returns the new log start offset (the low
    /// watermark). The manager checkpoints it in the background.
    @discardableResult
    public func deleteRecords(before offset: Int64) throws(StorageError) -> Int64 {
        let (logStart, removed) = try state.withLock { state throws(StorageError) -> (Int64, [String]) in
            guard offset >= 0, offset <= state.highWatermark else {
                throw error(.offsetOutOfRange, "cannot move the log start offset to \(offset): it is above the high watermark \(state.highWatermark)", offset: offset)
            }
            guard offset > state.logStartOffset else { return (state.logStartOffset, []) }
            state.logStartOffset = offset
            state.recoveryPoint = max(state.recoveryPoint, min(offset, state.logEndOffset))
            var removed: [String] = []
            while state.segments.count > 1, state.segments[1].baseOffset <= offset {
                removed += remove(state.segments.removeFirst(), from: &state)
            }
            if state.epochCache.truncateFromStart(offset) { writeEpochCache(state.epochCache) }
            // Snapshots taken at the removed segments' bases; the producers themselves stay (Kafka).
            do {
                try state.producers.deleteSnapshots(below: state.segments[0].baseOffset)
            } catch {
                logger.warning("cannot delete producer snapshots", metadata: ["error": "\(error)"])
            }
            return (offset, removed)
        }
        deleteFiles(removed)
        if !removed.isEmpty {
            logger.info("deleted segments below the log start offset", metadata: ["logStartOffset": "\(logStart)", "files": "\(removed.count)"])
        }
        onLogStartOffsetChange?()
        return logStart
    }

    /// Replication: removes every offset at or above `offset`. A batch containing `offset` goes
    /// whole (followers truncate at batch boundaries). Below the log start, the log restarts
    /// empty at `offset`. At or past the log end no record goes, but leader epochs starting at
    /// the log end do (as Kafka's UnifiedLog.truncateTo): an epoch this replica began as leader
    /// without writing a record conflicts with the current leader's history, and a follower
    /// that kept it would fetch with it as its last epoch and be told to truncate again forever.
    public func truncate(to offset: Int64) throws(StorageError) {
        let removed = try state.withLock { state throws(StorageError) -> [String] in
            guard offset >= 0 else { return [] }
            guard offset < state.logEndOffset else {
                if state.epochCache.truncateFromEnd(state.logEndOffset) { writeEpochCache(state.epochCache) }
                return []
            }
            var removed: [String] = []
            if offset < state.logStartOffset || offset <= state.segments[0].baseOffset {
                removed = try restartEmpty(at: offset, in: &state)
            } else {
                while let last = state.segments.last, last.baseOffset >= offset {
                    removed += remove(state.segments.removeLast(), from: &state)
                }
                let active = state.active
                let cursor = SegmentCursor(
                    file: active.file, baseOffset: active.baseOffset, position: active.offsetIndex.lookup(offset).position, end: active.size)
                if let (header, position) = try firstBatch(in: cursor, where: { $0.lastOffset >= offset }) {
                    let before = active.size
                    try active.truncate(toPosition: position, firstCutOffset: header.baseOffset)
                    state.totalSize -= before - active.size
                }
            }
            let end = state.logEndOffset
            state.highWatermark = min(state.highWatermark, end)
            state.recoveryPoint = min(state.recoveryPoint, end)
            if state.epochCache.truncateFromEnd(end) { writeEpochCache(state.epochCache) }
            // The removed batches may have been any producer's last: reload and replay up to `end`.
            do {
                try state.producers.rebuild(segments: state.segments, logStartOffset: state.logStartOffset, logEndOffset: end, nowMs: clock.nowMs, io: io)
            } catch {
                state.producers.clear()
                logger.error("cannot rebuild producer state after truncation", metadata: ["error": "\(error)"])
            }
            logger.info("truncated log", metadata: ["target": "\(offset)", "logEndOffset": "\(end)"])
            return removed
        }
        deleteFiles(removed)
    }

    /// Replication: the log restarts empty at `offset`, wherever its end was (Kafka's
    /// truncateFullyAndStartAt): a follower whose leader deleted everything it has.
    public func truncateFullyAndStartAt(_ offset: Int64) throws(StorageError) {
        let removed = try state.withLock { state throws(StorageError) -> [String] in
            let removed = try restartEmpty(at: offset, in: &state)
            state.highWatermark = offset
            state.recoveryPoint = offset
            return removed
        }
        logger.info("restarted the log empty", metadata: ["offset": "\(offset)"])
        deleteFiles(removed)
    }

    /// Every segment goes; one empty segment starts at `offset`, which becomes the log start.
    private func restartEmpty(at offset: Int64, in state: inout State) throws(StorageError) -> [String] {
        var removed: [String] = []
        for segment in state.segments {
            removed += remove(segment, from: &state)
        }
        state.segments = [try LogSegment.create(dir: directory, baseOffset: offset, config: state.config, io: io)]
        state.totalSize = 0
        state.logStartOffset = offset
        state.directoryDirty = true
        state.epochCache.clear()
        writeEpochCache(state.epochCache)
        do {
            try state.producers.deleteAllSnapshots()
        } catch {
            logger.warning("cannot delete producer snapshots", metadata: ["error": "\(error)"])
        }
        return removed
    }

    /// Takes a segment out of the books: its files are renamed `.deleted` now (under the lock,
    /// so a new segment may reuse the names) and deleted by `deleteFiles` after
    /// file.delete.delay.ms. Readers still holding its file keep reading it.
    func remove(_ segment: LogSegment, from state: inout State) -> [String] {
        state.totalSize -= segment.size
        return SegmentReaper.retire(directory: directory, base: segment.baseOffset, logger: logger)
    }

    /// Schedules the deletion of retired files (see `remove`).
    func deleteFiles(_ paths: [String]) {
        guard !paths.isEmpty else { return }
        Posix.syncDirectory(directory)
        SegmentReaper.schedule(paths, afterMs: config.fileDeleteDelayMs, directory: directory, logger: logger)
    }

    func writeEpochCache(_ cache: LeaderEpochCache) {
        do {
            try cache.write()
        } catch {
            logger.error("cannot write leader epoch checkpoint", metadata: ["error": "\(error)"])
        }
    }
}

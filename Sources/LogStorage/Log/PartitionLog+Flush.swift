import KafkaProtocol

extension PartitionLog {
    /// What to fsync, gathered under the lock and synced after it.
    private struct FlushWork: Sendable {
        var files: [SegmentFile] = []
        var indexPaths: [String] = []
        var bases: [Int64] = []
        var directory = false
        var target: Int64 = 0
        var messages: Int64 = 0
        var isEmpty: Bool { files.isEmpty && indexPaths.isEmpty && !directory }
    }

    /// fsyncs every byte appended so far, then advances the recovery point. The fsyncs run
    /// outside the partition lock, so appends continue meanwhile (and wait for the next flush).
    public func flush() throws(StorageError) {
        try flushLock.withLock { _ throws(StorageError) in try flushNow(includingActiveIndex: false) }
    }

    private func flushNow(includingActiveIndex: Bool) throws(StorageError) {
        let work = state.withLock { state -> FlushWork in
            state.flushRequested = false
            var work = FlushWork(directory: state.directoryDirty, target: state.logEndOffset, messages: state.unflushedMessages)
            state.directoryDirty = false
            for (position, segment) in state.segments.enumerated() where segment.needsSync {
                segment.needsSync = false
                work.files.append(segment.file)
                work.bases.append(segment.baseOffset)
                // The active segment's index is rebuilt by recovery if we crash; sealed ones are trusted.
                if position < state.segments.count - 1 || includingActiveIndex {
                    work.indexPaths += [segment.offsetIndex.entries.path, segment.timeIndex.entries.path]
                }
                // Recovery does not rebuild aborts older than the producer snapshot: always sync them.
                if segment.txnIndex.needsSync {
                    segment.txnIndex.needsSync = false
                    work.indexPaths.append(segment.txnIndex.path)
                }
            }
            return work
        }
        if !work.isEmpty {
            do {
                try sync(work)
            } catch {
                state.withLock { state in
                    state.directoryDirty = state.directoryDirty || work.directory
                    for base in work.bases {
                        guard let segment = state.segment(withBase: base) else { continue }
                        segment.needsSync = true
                        if work.indexPaths.contains(segment.txnIndex.path) { segment.txnIndex.needsSync = true }
                    }
                }
                logger.error("flush failed", metadata: ["error": "\(error)"])
                throw error.with(topic: topic, partition: partition)
            }
        }
        let now = clock.nowMs
        state.withLock { state in
            state.recoveryPoint = max(state.recoveryPoint, min(work.target, state.logEndOffset))
            state.unflushedMessages = max(0, state.unflushedMessages - work.messages)
            state.lastFlushMs = now
        }
    }

    private func sync(_ work: FlushWork) throws(StorageError) {
        let start = ContinuousClock.now
        var count = 0
        for file in work.files {
            try file.sync()
            count += 1
        }
        for path in work.indexPaths where Posix.fileExists(path) {
            try Posix.syncFile(path, io: io)
            count += 1
        }
        if work.directory {
            Posix.syncDirectory(directory)
            count += 1
        }
        metrics.fsyncs.increment(by: Int64(count))
        let elapsed = (ContinuousClock.now - start).components
        metrics.fsyncDuration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
    }

    /// Whether flush.messages or flush.ms asks for an fsync now; marks the request so concurrent
    /// appends do not queue more than one.
    func markFlushIfDue(_ state: inout State, now: Int64) -> Bool {
        guard !state.flushRequested, state.unflushedMessages > 0 else { return false }
        let config = state.config
        let due = state.unflushedMessages >= config.flushMessages
            || (config.flushMs != .max && now - state.lastFlushMs >= config.flushMs)
        if due { state.flushRequested = true }
        return due
    }

    /// Called by the manager's periodic tick: flushes when flush.ms has passed.
    public func flushIfDue() {
        let now = clock.nowMs
        let due = state.withLock { state in markFlushIfDue(&state, now: now) }
        if due { flushInBackground() }
    }

    /// Hands a flush to the background queue (coalesced with any already waiting).
    func requestFlush() {
        flusher?.schedule(key: ObjectIdentifier(self)) { [self] in flushInBackground() }
    }

    private func flushInBackground() {
        do {
            try flush()
        } catch {
            // Already logged; the data stays marked unsynced for the next attempt.
        }
    }

    /// Values the manager writes to its checkpoint files.
    public struct Checkpoints: Sendable, Equatable {
        public var recoveryPoint: Int64
        public var logStartOffset: Int64
        public var highWatermark: Int64
    }

    public var checkpoints: Checkpoints {
        state.withLock { Checkpoints(recoveryPoint: $0.recoveryPoint, logStartOffset: $0.logStartOffset, highWatermark: $0.highWatermark) }
    }

    /// Clean close: the active segment's indexes (with a final time index entry) go to disk, all
    /// data is fsynced, and further appends fail. Returns the offsets to checkpoint, after which
    /// a restart trusts the files instead of rescanning them.
    @discardableResult
    public func close() throws(StorageError) -> Checkpoints {
        try state.withLock { state throws(StorageError) in
            let active = state.active
            if active.maxTimestamp >= 0 {
                active.timeIndex.maybeAppend(timestamp: active.maxTimestamp, offset: active.offsetOfMaxTimestamp)
            }
            try active.persistIndexes(io: io)
            active.needsSync = true
            writeProducerSnapshot(&state, offset: state.logEndOffset, sync: true)
        }
        try flushLock.withLock { _ throws(StorageError) in try flushNow(includingActiveIndex: true) }
        return state.withLock { state in
            state.closed = true
            return Checkpoints(recoveryPoint: state.recoveryPoint, logStartOffset: state.logStartOffset, highWatermark: state.highWatermark)
        }
    }

    public var isClosed: Bool { state.withLock { $0.closed } }
}

extension PartitionLog {
    /// The partition is being deleted: refuse appends; nothing is worth flushing.
    func markDeleted() {
        state.withLock { $0.closed = true }
    }
}

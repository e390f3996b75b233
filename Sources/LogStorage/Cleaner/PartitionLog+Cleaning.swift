import KafkaProtocol

/// A sealed segment as the cleaner sees it, captured under the partition lock. The file is
/// read outside the lock; `file` identity and `size` tell the swap whether the segment changed.
struct CleanableSegment: Sendable {
    var baseOffset: Int64
    var file: SegmentFile
    var size: Int64
    /// The next segment's base offset: every offset here is below it.
    var nextBaseOffset: Int64
    var offsetIndexEntries: Int
    var timeIndexEntries: Int
    /// Newest batch timestamp (-1 when none carries one).
    var largestTimestamp: Int64
}

/// What the cleaner needs of a partition at one moment.
struct CleaningView: Sendable {
    var config: LogConfig
    var logStartOffset: Int64
    var logEndOffset: Int64
    var highWatermark: Int64
    var activeBaseOffset: Int64
    /// Every sealed segment, oldest first (the active one is never cleaned).
    var segments: [CleanableSegment]
    /// First offset of the oldest open transaction.
    var firstUnstableOffset: Int64?
    var closed: Bool

    /// No batch at or above this may be cleaned: its transaction may still abort (Kafka's
    /// last stable offset, at most the high watermark).
    var lastStableOffset: Int64 { min(highWatermark, firstUnstableOffset ?? .max) }

    /// Segments overlapping [from, to), oldest first (Kafka's logSegments(from, to)).
    func segments(from: Int64, to: Int64) -> ArraySlice<CleanableSegment> {
        guard let first = segments.firstIndex(where: { $0.nextBaseOffset > from }) else { return [] }
        let end = segments[first...].firstIndex(where: { $0.baseOffset >= to }) ?? segments.count
        return segments[first..<end]
    }
}

/// What the cleaner must keep of an active producer (Kafka's LastRecord): the batch holding its
/// last sequence, or, when its last write was a marker, that marker's epoch.
struct ProducerLastRecord: Sendable, Equatable {
    var lastDataOffset: Int64?
    var producerEpoch: Int16
}

extension PartitionLog {
    func cleaningView() -> CleaningView {
        state.withLock { state in
            var segments: [CleanableSegment] = []
            segments.reserveCapacity(state.segments.count)
            for (index, segment) in state.segments.dropLast().enumerated() {
                segments.append(CleanableSegment(
                    baseOffset: segment.baseOffset, file: segment.file, size: segment.size,
                    nextBaseOffset: state.segments[index + 1].baseOffset,
                    offsetIndexEntries: segment.offsetIndex.count, timeIndexEntries: segment.timeIndex.count,
                    largestTimestamp: segment.maxTimestamp))
            }
            let unstable = state.producers.firstUnstableOffset
            return CleaningView(
                config: state.config, logStartOffset: state.logStartOffset, logEndOffset: state.logEndOffset,
                highWatermark: state.highWatermark, activeBaseOffset: state.active.baseOffset, segments: segments,
                firstUnstableOffset: unstable, closed: state.closed)
        }
    }

    /// Kafka's lastRecordsOfActiveProducers.
    func activeProducerLastRecords() -> [Int64: ProducerLastRecord] {
        state.withLock { state in
            state.producers.producers.mapValues { ProducerLastRecord(lastDataOffset: $0.batches.last?.lastOffset, producerEpoch: $0.producerEpoch) }
        }
    }

    /// Where a scan for `offset` may start in the segment (0 when the segment is gone).
    func startPosition(of offset: Int64, in segment: CleanableSegment) -> Int64 {
        state.withLock { state in
            guard let found = state.segment(withBase: segment.baseOffset), found.file === segment.file else { return 0 }
            return found.offsetIndex.lookup(offset).position
        }
    }

    /// The cleaner's swap (Kafka's replaceSegments), all under the lock so readers and appends
    /// see the old segments or the new one, never a mix: checks that `group` is still in the log
    /// unchanged (retention, DeleteRecords or truncation may have removed or cut it meanwhile),
    /// renames the cleaned files `.swap`, retires the old segments (`.deleted`), renames the swap
    /// files to their final names and loads the new segment.
    /// Load completes a swap interrupted by a crash (`SwapRecovery`). Returns false, changing
    /// nothing, when the group changed; the caller then deletes the cleaned files. An error
    /// after the old segments were retired leaves the `.swap` files for the next load to finish
    /// (the open segments keep serving reads until then); the caller must not delete them.
    func replaceWithCleaned(_ group: [CleanableSegment], lockHeldNs: inout UInt64) throws(StorageError) -> Bool {
        guard let first = group.first else { return false }
        let base = first.baseOffset
        // The old files are handed out of the lock, so their descriptors close after it.
        let result = try state.withLock { state throws(StorageError) -> (replaced: Bool, retired: [String], oldFiles: [SegmentFile]) in
            let locked = IORateLimiter.nowNs()
            defer { lockHeldNs = IORateLimiter.nowNs() - locked }
            guard !state.closed, let start = state.segments.firstIndex(where: { $0.file === first.file }),
                  start + group.count < state.segments.count else { return (false, [], []) }
            for (offset, old) in group.enumerated() {
                let current = state.segments[start + offset]
                guard current.file === old.file, current.size == old.size else { return (false, [], []) }
            }
            do throws(StorageError) {
                for suffix in LogFileNames.segmentFileSuffixes {
                    let cleaned = LogFileNames.segmentFile(directory, base, suffix + LogFileNames.cleanedSuffix)
                    if Posix.fileExists(cleaned) { try Posix.rename(cleaned, LogFileNames.segmentFile(directory, base, suffix + LogFileNames.swapSuffix)) }
                }
            } catch {
                // Nothing replaced yet: drop the swap files so a restart keeps the old segments.
                for suffix in LogFileNames.segmentFileSuffixes {
                    try? Posix.remove(LogFileNames.segmentFile(directory, base, suffix + LogFileNames.swapSuffix))
                }
                throw error
            }
            // From here on the swap completes: a crash leaves `.swap` files that load finishes.
            // Every old segment, the first one too, is renamed away before the swap files take
            // their names: replacing a file by rename would make the kernel flush or free it
            // here, under the lock.
            var retired: [String] = []
            var oldSize: Int64 = 0
            var oldFiles: [SegmentFile] = []
            for old in state.segments[start..<(start + group.count)] {
                oldSize += old.size
                oldFiles.append(old.file)
                retired += SegmentReaper.retire(directory: directory, base: old.baseOffset, logger: logger)
            }
            for suffix in LogFileNames.segmentFileSuffixes {
                let swap = LogFileNames.segmentFile(directory, base, suffix + LogFileNames.swapSuffix)
                if Posix.fileExists(swap) { try Posix.rename(swap, LogFileNames.segmentFile(directory, base, suffix)) }
            }
            let segment = try loadCleaned(base: base, config: state.config)
            state.segments.replaceSubrange(start..<(start + group.count), with: [segment])
            state.totalSize += segment.size - oldSize
            state.directoryDirty = true
            return (true, retired, oldFiles)
        }
        guard result.replaced else { return false }
        Posix.syncDirectory(directory)
        deleteFiles(result.retired)
        return true
    }

    /// Opens the swapped-in segment; its index files were written by the cleaner, so they are
    /// normally trusted; otherwise the segment is rescanned and re-indexed.
    private func loadCleaned(base: Int64, config: LogConfig) throws(StorageError) -> LogSegment {
        let opened = try LogSegment.open(
            dir: directory, baseOffset: base, config: config, io: io, sealed: true, trustIndexes: true, nowMs: clock.nowMs)
        if opened.needsRecovery {
            _ = try opened.segment.recover(config: config, io: io, nowMs: clock.nowMs) { _ in }
            try opened.segment.seal(io: io)
        }
        return opened.segment
    }
}

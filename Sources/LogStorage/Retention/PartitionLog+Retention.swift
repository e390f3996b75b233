import KafkaProtocol

/// What one retention pass removed from a log.
public struct RetentionOutcome: Sendable, Equatable {
    public var deletedSegments = 0
    public var deletedBytes: Int64 = 0
    /// The log start offset after the pass.
    public var logStartOffset: Int64

    public init(deletedSegments: Int = 0, deletedBytes: Int64 = 0, logStartOffset: Int64) {
        self.deletedSegments = deletedSegments
        self.deletedBytes = deletedBytes
        self.logStartOffset = logStartOffset
    }
}

extension PartitionLog {
    /// One retention pass (Kafka's UnifiedLog.deleteOldSegments), run by the background check
    /// every log.retention.check.interval.ms. Whole segments go, oldest first, while they are
    /// wholly below the log start offset (DeleteRecords); and, with cleanup.policy containing
    /// `delete`, while the partition is over retention.bytes by at least the segment's size, and
    /// while the segment's newest timestamp is older than retention.ms (its file time when no
    /// batch has one). Nothing at or above the high watermark is deleted. When every segment
    /// qualifies, the active one is rolled first so the log keeps one (empty) segment. The log
    /// start offset moves to the first kept segment; the files are retired (`remove`).
    @discardableResult
    public func deleteOldSegments() -> RetentionOutcome {
        let now = clock.nowMs
        var outcome = RetentionOutcome(logStartOffset: 0)
        var retired: [String] = []
        let changed = state.withLock { state -> Bool in
            outcome.logStartOffset = state.logStartOffset
            guard !state.closed else { return false }
            let before = state.logStartOffset
            // Wholly below the log start offset: the next segment starts at or before it.
            deleteSegments(&state, now: now, outcome: &outcome, retired: &retired) { _, next in
                next.map { $0.baseOffset <= before } ?? false
            }
            let config = state.config
            if config.cleanupPolicy.contains(.delete) {
                if config.retentionBytes >= 0, state.totalSize >= config.retentionBytes {
                    var excess = state.totalSize - config.retentionBytes
                    deleteSegments(&state, now: now, outcome: &outcome, retired: &retired) { segment, _ in
                        guard excess - segment.size >= 0 else { return false }
                        excess -= segment.size
                        return true
                    }
                }
                if config.retentionMs >= 0 {
                    deleteSegments(&state, now: now, outcome: &outcome, retired: &retired) { segment, _ in
                        now - largestTimestamp(of: segment) > config.retentionMs
                    }
                }
            }
            outcome.logStartOffset = state.logStartOffset
            return state.logStartOffset != before
        }
        if !retired.isEmpty {
            deleteFiles(retired)
            logger.info("retention deleted segments", metadata: [
                "segments": "\(outcome.deletedSegments)", "bytes": "\(outcome.deletedBytes)",
                "logStartOffset": "\(outcome.logStartOffset)",
            ])
        }
        if changed { onLogStartOffsetChange?() }
        return outcome
    }

    /// Deletes the oldest segments while `predicate` holds (Kafka's deletableSegments and
    /// deleteSegments). A segment ending above the high watermark, or an empty active segment,
    /// stops the walk.
    private func deleteSegments(
        _ state: inout State, now: Int64, outcome: inout RetentionOutcome, retired: inout [String],
        where predicate: (_ segment: LogSegment, _ next: LogSegment?) -> Bool
    ) {
        var count = 0
        while count < state.segments.count {
            let segment = state.segments[count]
            let isLast = count == state.segments.count - 1
            let upperBound = isLast ? state.logEndOffset : state.segments[count + 1].baseOffset
            let next = isLast ? nil : state.segments[count + 1]
            guard state.highWatermark >= upperBound, !(isLast && segment.isEmpty), predicate(segment, next) else { break }
            count += 1
        }
        guard count > 0 else { return }
        if count == state.segments.count {
            // The log always keeps a segment: start an empty one at the log end first.
            do {
                try roll(&state, newBase: state.logEndOffset, now: now)
            } catch {
                logger.error("cannot roll before deleting every segment", metadata: ["error": "\(error)"])
                count -= 1
                guard count > 0 else { return }
            }
        }
        let newStart = state.segments[count].baseOffset
        for _ in 0..<count {
            let segment = state.segments.removeFirst()
            outcome.deletedSegments += 1
            outcome.deletedBytes += segment.size
            retired += remove(segment, from: &state)
        }
        if newStart > state.logStartOffset {
            state.logStartOffset = newStart
            state.recoveryPoint = max(state.recoveryPoint, min(newStart, state.logEndOffset))
            if state.epochCache.truncateFromStart(newStart) { writeEpochCache(state.epochCache) }
        }
        do {
            try state.producers.deleteSnapshots(below: state.segments[0].baseOffset)
        } catch {
            logger.warning("cannot delete producer snapshots", metadata: ["error": "\(error)"])
        }
    }

    /// A segment's newest record timestamp, or its file time when no batch carries one.
    private func largestTimestamp(of segment: LogSegment) -> Int64 {
        if segment.maxTimestamp >= 0 { return segment.maxTimestamp }
        return segment.file.lastModifiedMs() ?? clock.nowMs
    }
}

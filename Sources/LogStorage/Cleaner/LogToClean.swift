/// A compacted log's cleaning prospects (Kafka's LogToClean and the offset arithmetic of
/// LogCleanerManager). Pure: computed from a `CleaningView`.
struct LogToClean: Sendable {
    var key: TopicPartition
    var log: PartitionLog
    /// Where the dirty (never cleaned) section starts.
    var firstDirtyOffset: Int64
    /// A segment base: this round cleans only below it.
    var firstUncleanableOffset: Int64
    var cleanBytes: Int64
    var cleanableBytes: Int64
    /// max.compaction.lag.ms has passed for some dirty data: clean whatever the ratio.
    var needCompactionNow: Bool
    /// The checkpointed dirty offset was outside the log and has been reset.
    var checkpointReset: Bool

    var totalBytes: Int64 { cleanBytes + cleanableBytes }
    var cleanableRatio: Double { totalBytes > 0 ? Double(cleanableBytes) / Double(totalBytes) : 0 }

    /// Whether the log is worth cleaning now (Kafka's grabFilthiestCompactedLog filter).
    func isCleanable(minRatio: Double) -> Bool {
        totalBytes > 0 && ((needCompactionNow && cleanableBytes > 0) || cleanableRatio > minRatio)
    }

    /// - Parameter firstBatchTimestamp: the first batch's max timestamp of a segment, read only
    ///   when max.compaction.lag.ms could have passed.
    init(
        key: TopicPartition, log: PartitionLog, view: CleaningView, checkpoint: Int64?, nowMs: Int64,
        firstBatchTimestamp: (CleanableSegment) -> Int64?
    ) {
        self.key = key
        self.log = log
        // Kafka's cleanableOffsets: a checkpoint outside the log (retention, truncation) restarts
        // from the log start.
        var firstDirty = checkpoint ?? view.logStartOffset
        checkpointReset = false
        if firstDirty < view.logStartOffset || firstDirty > view.logEndOffset {
            checkpointReset = checkpoint != nil
            firstDirty = view.logStartOffset
        }
        let dirtySealed = view.segments(from: firstDirty, to: view.activeBaseOffset)
        var uncleanable = min(view.lastStableOffset, view.activeBaseOffset)
        let minLag = max(view.config.minCompactionLagMs, 0)
        if minLag > 0, let young = dirtySealed.first(where: { Self.largest($0) > nowMs &- minLag }) {
            uncleanable = min(uncleanable, young.baseOffset)
        }
        uncleanable = max(firstDirty, uncleanable)
        // Kafka's calculateCleanableBytes: round down to the base of the segment holding it.
        let firstUncleanable = view.segments.first(where: { $0.baseOffset <= uncleanable && uncleanable < $0.nextBaseOffset })?.baseOffset
            ?? view.activeBaseOffset
        firstDirtyOffset = firstDirty
        firstUncleanableOffset = firstUncleanable
        cleanableBytes = view.segments(from: min(firstDirty, firstUncleanable), to: firstUncleanable).reduce(0) { $0 + $1.size }
        cleanBytes = view.segments(from: .min, to: firstDirty).reduce(0) { $0 + $1.size }
        // Kafka's maxCompactionDelay.
        let maxLag = max(view.config.maxCompactionLagMs, 0)
        let cleanUntil = nowMs &- maxLag
        if maxLag < nowMs {
            let earliest = dirtySealed.compactMap(firstBatchTimestamp).filter { $0 > 0 }.min() ?? .max
            needCompactionNow = earliest < cleanUntil
        } else {
            needCompactionNow = false
        }
    }

    /// Kafka's LogSegment.largestTimestamp: the newest batch timestamp, else the file time.
    static func largest(_ segment: CleanableSegment) -> Int64 {
        segment.largestTimestamp >= 0 ? segment.largestTimestamp : (segment.file.lastModifiedMs() ?? 0)
    }
}

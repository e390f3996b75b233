import KafkaProtocol

/// What rebuilding producer state on log open or truncation did, for the load log line.
public struct ProducerStateLoad: Sendable, Equatable {
    /// The snapshot loaded, or nil when the log was replayed from its start.
    public var snapshotOffset: Int64?
    /// Batches with a producer id replayed from the log after the snapshot.
    public var replayedBatches = 0
    /// Set when the replay met bytes that are not a batch and stopped there.
    public var problem: String?

    public init(snapshotOffset: Int64? = nil, replayedBatches: Int = 0, problem: String? = nil) {
        self.snapshotOffset = snapshotOffset
        self.replayedBatches = replayedBatches
        self.problem = problem
    }
}

extension ProducerStateManager {
    /// Loads the state of a log just opened (after segment recovery) or just truncated to
    /// `logEndOffset` (Kafka's rebuildProducerState): the newest valid snapshot at or below the
    /// log end, then the headers of every batch from there to the log end replayed through
    /// `update`. Only headers are read. With no snapshot the whole log is replayed (Kafka skips
    /// that after a clean shutdown; here close always writes one, so this is a first start).
    ///
    /// Replayed LogAppendTime batches keep their append time for expiration; CreateTime ones
    /// count from `nowMs`, so a client clock far behind cannot expire them at once.
    ///
    /// Aborts met on the way are added to their segment's transaction index when missing (a
    /// crash can lose the index write but not the marker that recovery kept).
    @discardableResult
    mutating func rebuild(
        segments: [LogSegment], logStartOffset: Int64, logEndOffset: Int64, nowMs: Int64, io: any LogFileIO = PosixFileIO(),
        producerIdExpirationMs: Int64 = defaultProducerIdExpirationMs
    ) throws(StorageError) -> ProducerStateLoad {
        let from = try reload(
            logStartOffset: logStartOffset, logEndOffset: logEndOffset, nowMs: nowMs,
            producerIdExpirationMs: producerIdExpirationMs)
        var load = ProducerStateLoad(snapshotOffset: snapshotOffsets.last)
        guard from < logEndOffset else { return load }
        for (position, segment) in segments.enumerated() {
            let nextBase = position + 1 < segments.count ? segments[position + 1].baseOffset : Int64.max
            if nextBase <= from { continue }
            if segment.baseOffset >= logEndOffset { break }
            let start = from > segment.baseOffset ? segment.offsetIndex.lookup(from).position : 0
            var scanner = BatchScanner(file: segment.file, from: start, end: segment.size, chunkSize: 64 * 1024)
            scan: while true {
                switch try scanner.next() {
                case .batch(let header, let position, _):
                    if header.lastOffset < from { continue }
                    if header.baseOffset >= logEndOffset { return load }
                    guard header.producerId >= 0 else { continue }
                    let appendTime = header.timestampType == .logAppendTime ? header.maxTimestamp : nowMs
                    let control = header.isControl ? try Self.controlType(of: header, at: position, in: segment) : nil
                    let completed = update(
                        with: header, firstOffset: header.baseOffset, lastOffset: header.lastOffset, appendTimeMs: appendTime,
                        controlType: control)
                    if let completed, completed.isAborted, !segment.txnIndex.contains(lastOffset: completed.lastOffset) {
                        try segment.txnIndex.append(abortedEntry(for: completed), io: io)
                    }
                    load.replayedBatches += 1
                case .end:
                    break scan
                case .invalid(let at, let reason):
                    // Recovery has already cut torn tails; this is a damaged trusted segment. Stop:
                    // missing state only means retries of those batches are not recognised.
                    load.problem = "segment \(segment.baseOffset) at byte \(at): \(reason)"
                    return load
                }
            }
        }
        return load
    }

    /// The transaction index entry of an abort that just completed.
    func abortedEntry(for completed: CompletedTransaction) -> AbortedTransaction {
        AbortedTransaction(
            producerId: completed.producerId, firstOffset: completed.firstOffset, lastOffset: completed.lastOffset,
            lastStableOffset: lastStableOffset(after: completed))
    }

    /// Reads a control batch's one record to tell commit from abort.
    private static func controlType(of header: RecordBatchHeader, at position: Int64, in segment: LogSegment) throws(StorageError) -> ControlRecordType? {
        let bytes = try segment.file.read(at: position, length: header.totalSize)
        return ControlRecordType.of(batchIn: bytes, at: bytes.readerIndex, header: header)
    }
}

import KafkaProtocol
import NIOCore

extension LogSegment {
    /// Opens an existing segment. With `trustIndexes`, index files that pass Kafka's O(1) sanity
    /// checks are used as they are; otherwise (or when they fail) the caller must `recover()`,
    /// which rebuilds them. Returns the segment and whether it still needs recovery.
    static func open(
        dir: String, baseOffset: Int64, config: LogConfig, io: any LogFileIO, sealed: Bool, trustIndexes: Bool, nowMs: Int64
    ) throws(StorageError) -> (segment: LogSegment, needsRecovery: Bool) {
        let file = try SegmentFile.open(LogFileNames.logFile(dir, baseOffset), create: false, io: io)
        let size = try file.size()
        let offsetPath = LogFileNames.indexFile(dir, baseOffset)
        let timePath = LogFileNames.timeIndexFile(dir, baseOffset)
        let txnIndex = TransactionIndex.load(path: LogFileNames.txnIndexFile(dir, baseOffset))
        let maxEntries = config.maxIndexEntries
        if trustIndexes,
           let offsetEntries = IndexEntries.load(path: offsetPath, entrySize: OffsetIndex.entrySize, sealed: sealed),
           let timeEntries = IndexEntries.load(path: timePath, entrySize: TimeIndex.entrySize, sealed: sealed) {
            let segment = LogSegment(
                baseOffset: baseOffset, file: file,
                offsetIndex: OffsetIndex(baseOffset: baseOffset, entries: offsetEntries, maxEntries: maxEntries),
                timeIndex: TimeIndex(baseOffset: baseOffset, entries: timeEntries, maxEntries: maxEntries + 1),
                txnIndex: txnIndex, size: size)
            if segment.offsetIndex.isSane(logSize: size) {
                if sealed {
                    segment.loadSealedSummary()
                    if segment.timeIndex.isSane(nextOffset: Int64.max) { return (segment, false) }
                } else if try segment.reloadTail() == nil, segment.timeIndex.isSane(nextOffset: segment.nextOffset) {
                    try segment.loadRollingBase(nowMs: nowMs)
                    return (segment, false)
                }
            }
        }
        let segment = LogSegment(
            baseOffset: baseOffset, file: file,
            offsetIndex: OffsetIndex(baseOffset: baseOffset, path: offsetPath, maxEntries: maxEntries),
            timeIndex: TimeIndex(baseOffset: baseOffset, path: timePath, maxEntries: maxEntries + 1),
            txnIndex: txnIndex, size: size)
        return (segment, true)
    }

    /// A sealed segment's max timestamp is its time index's last entry (written at seal).
    private func loadSealedSummary() {
        if let last = timeIndex.last { setMaxTimestamp(last.timestamp, offset: last.offset) }
    }

    /// Kafka rolls by the first batch's timestamp when the segment was not created by this
    /// process; clamp to now so a clock skewed forward cannot postpone the roll.
    func loadRollingBase(nowMs: Int64) throws(StorageError) {
        guard !isEmpty else { return }
        var scanner = BatchScanner(file: file, from: 0, end: size)
        if case .batch(let header, _, _) = try scanner.next(), header.maxTimestamp >= 0 {
            rollingBaseMs = min(header.maxTimestamp, nowMs)
        }
    }

    struct RecoveryOutcome {
        var validBytes: Int64
        var truncatedBytes: Int64
        var batches: Int
        var problem: String?
    }

    /// Validates every batch (header sanity, magic 2, CRC, ascending offsets), cuts the file at
    /// the first bad one, and rebuilds both indexes from what remains. `onBatch` sees each valid
    /// batch (the loader feeds the leader epoch cache from it).
    func recover(config: LogConfig, io: any LogFileIO, nowMs: Int64, onBatch: (RecordBatchHeader) -> Void) throws(StorageError) -> RecoveryOutcome {
        try offsetIndex.entries.deleteFile()
        try timeIndex.entries.deleteFile()
        offsetIndex = OffsetIndex(baseOffset: baseOffset, path: offsetIndex.entries.path, maxEntries: offsetIndex.maxEntries)
        timeIndex = TimeIndex(baseOffset: baseOffset, path: timeIndex.entries.path, maxEntries: timeIndex.maxEntries)
        resetTracking()
        let fileSize = size
        var scanner = BatchScanner(file: file, from: 0, end: fileSize, chunkSize: 1 << 20)
        var outcome = RecoveryOutcome(validBytes: 0, truncatedBytes: 0, batches: 0)
        scan: while true {
            switch try scanner.next(needBody: true) {
            case .end:
                break scan
            case .invalid(_, let reason):
                outcome.problem = reason
                break scan
            case .batch(let header, let position, let bytes):
                guard let bytes, header.crcIsValid(in: bytes, at: bytes.readerIndex) else {
                    outcome.problem = "CRC mismatch in batch at offset \(header.baseOffset)"
                    break scan
                }
                guard header.baseOffset >= nextOffset else {
                    outcome.problem = "offset \(header.baseOffset) does not follow \(nextOffset - 1)"
                    break scan
                }
                track(header, at: position, indexIntervalBytes: config.indexIntervalBytes)
                onBatch(header)
                outcome.batches += 1
                outcome.validBytes = position + Int64(header.totalSize)
            }
        }
        if outcome.validBytes < fileSize {
            try file.truncate(to: outcome.validBytes)
            outcome.truncatedBytes = fileSize - outcome.validBytes
        }
        setSize(outcome.validBytes)
        // Aborts recorded past the valid data go; the producer state replay re-adds missing ones.
        try txnIndex.truncate(fromOffset: nextOffset, io: io)
        try persistIndexes(io: io)
        try loadRollingBase(nowMs: nowMs)
        needsSync = true
        return outcome
    }
}

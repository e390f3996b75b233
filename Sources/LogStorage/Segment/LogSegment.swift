import KafkaProtocol
import NIOCore

/// One segment of a partition: the `.log` file of whole record batches plus its offset and time
/// indexes. Appends go to the end of the active (last) segment; the others are sealed.
/// Not thread-safe: PartitionLog's lock guards every segment; only `file` (Sendable) is handed
/// to readers outside the lock.
final class LogSegment {
    let baseOffset: Int64
    let file: SegmentFile
    var offsetIndex: OffsetIndex
    var timeIndex: TimeIndex
    /// Aborted transactions whose abort markers are in this segment.
    var txnIndex: TransactionIndex
    /// Bytes of whole batches in the file.
    var size: Int64
    /// One past the last offset stored here (the base offset while empty). Exact for the active
    /// segment and any segment whose batches were scanned; sealed segments loaded from trusted
    /// indexes leave it at the base (nothing needs it: the next segment's base bounds them).
    var nextOffset: Int64
    /// The largest batch max timestamp here and the base offset of the batch that carried it.
    var maxTimestamp: Int64 = -1
    var offsetOfMaxTimestamp: Int64
    /// When the segment got its first data, for segment.ms rolling.
    var rollingBaseMs: Int64?
    /// Data or index bytes written since the last fsync.
    var needsSync = false
    var bytesSinceLastIndexEntry = 0

    init(baseOffset: Int64, file: SegmentFile, offsetIndex: OffsetIndex, timeIndex: TimeIndex, txnIndex: TransactionIndex, size: Int64) {
        self.baseOffset = baseOffset
        self.file = file
        self.offsetIndex = offsetIndex
        self.timeIndex = timeIndex
        self.txnIndex = txnIndex
        self.size = size
        self.nextOffset = baseOffset
        self.offsetOfMaxTimestamp = baseOffset
    }

    /// Creates an empty segment's files in `dir`.
    static func create(dir: String, baseOffset: Int64, config: LogConfig, io: any LogFileIO) throws(StorageError) -> LogSegment {
        // Unlink rather than truncate what a previous segment left under these names: readers
        // may still hold its file, and its index may still be mapped.
        for path in LogFileNames.segmentFiles(dir, baseOffset) {
            try Posix.remove(path)
        }
        let file = try SegmentFile.open(LogFileNames.logFile(dir, baseOffset), create: true, io: io)
        let segment = LogSegment(
            baseOffset: baseOffset, file: file,
            offsetIndex: OffsetIndex(baseOffset: baseOffset, path: LogFileNames.indexFile(dir, baseOffset), maxEntries: config.maxIndexEntries),
            timeIndex: TimeIndex(baseOffset: baseOffset, path: LogFileNames.timeIndexFile(dir, baseOffset), maxEntries: config.maxIndexEntries + 1),
            txnIndex: TransactionIndex(path: LogFileNames.txnIndexFile(dir, baseOffset)),
            size: 0)
        try segment.offsetIndex.entries.persist(io: io)
        try segment.timeIndex.entries.persist(io: io)
        segment.needsSync = true
        return segment
    }

    var isEmpty: Bool { size == 0 }

    func setMaxTimestamp(_ timestamp: Int64, offset: Int64) {
        maxTimestamp = timestamp
        offsetOfMaxTimestamp = offset
    }

    func setSize(_ newSize: Int64) { size = newSize }

    /// Forgets what the tracking learned from batches (before a rescan).
    func resetTracking() {
        nextOffset = baseOffset
        maxTimestamp = -1
        offsetOfMaxTimestamp = baseOffset
        bytesSinceLastIndexEntry = 0
    }

    /// Writes batches whose offsets are already assigned, in one write, then indexes them.
    func append(_ records: ByteBuffer, nowMs: Int64, indexIntervalBytes: Int) throws(StorageError) {
        try append(AppendBatches(numbered: records), nowMs: nowMs, indexIntervalBytes: indexIntervalBytes)
    }

    /// Writes the batches in one vectored write, then indexes them by their stored headers.
    func append(_ batches: AppendBatches, nowMs: Int64, indexIntervalBytes: Int) throws(StorageError) {
        let start = size
        try batches.withVectors { vectors throws(StorageError) in try file.write(vectors, at: start) }
        let first = batches.records.readerIndex
        batches.forEachBatch { header, index in
            track(header, at: start + Int64(index - first), indexIntervalBytes: indexIntervalBytes)
        }
        size += Int64(batches.byteCount)
        if rollingBaseMs == nil { rollingBaseMs = nowMs }
        needsSync = true
    }

    /// Per-batch bookkeeping shared by append, recovery and load: the sparse index entry every
    /// `indexIntervalBytes`, the segment's max timestamp, the next offset.
    func track(_ header: RecordBatchHeader, at position: Int64, indexIntervalBytes: Int) {
        if header.maxTimestamp > maxTimestamp {
            maxTimestamp = header.maxTimestamp
            offsetOfMaxTimestamp = header.baseOffset
        }
        if bytesSinceLastIndexEntry > indexIntervalBytes {
            offsetIndex.append(offset: header.baseOffset, position: position)
            timeIndex.maybeAppend(timestamp: maxTimestamp, offset: offsetOfMaxTimestamp)
            bytesSinceLastIndexEntry = 0
        }
        bytesSinceLastIndexEntry += header.totalSize
        nextOffset = header.lastOffset + 1
    }

    /// Whether appending `bytes` ending at `lastOffset` needs a new segment first.
    func shouldRoll(adding bytes: Int, lastOffset: Int64, nowMs: Int64, config: LogConfig) -> Bool {
        guard !isEmpty else { return false }
        if size + Int64(bytes) > Int64(config.segmentBytes) { return true }
        if let rollingBaseMs, nowMs - rollingBaseMs >= config.maxSegmentMs { return true }
        if offsetIndex.isFull || timeIndex.isFull { return true }
        // Relative offsets are u32 in the indexes; Kafka keeps them within Int32.
        return lastOffset - baseOffset > Int64(Int32.max)
    }

    /// The segment stops taking appends: the time index gets the final max, both indexes go to
    /// disk and are memory-mapped.
    func seal(io: any LogFileIO) throws(StorageError) {
        if maxTimestamp >= 0 { timeIndex.maybeAppend(timestamp: maxTimestamp, offset: offsetOfMaxTimestamp) }
        let wroteOffsets = try offsetIndex.entries.seal(io: io)
        let wroteTimes = try timeIndex.entries.seal(io: io)
        if wroteOffsets || wroteTimes { needsSync = true }
    }

    /// Writes index entries added since the last call (no fsync).
    func persistIndexes(io: any LogFileIO) throws(StorageError) {
        let wroteOffsets = try offsetIndex.entries.persist(io: io)
        let wroteTimes = try timeIndex.entries.persist(io: io)
        if wroteOffsets || wroteTimes { needsSync = true }
    }

    /// Cuts the file at `position`, the start of the batch whose base offset is `firstCutOffset`,
    /// and forgets everything from there on.
    func truncate(toPosition position: Int64, firstCutOffset: Int64) throws(StorageError) {
        guard position < size else { return }
        try file.truncate(to: position)
        size = position
        offsetIndex.truncate(toPosition: position)
        timeIndex.truncate(toOffset: firstCutOffset)
        try txnIndex.truncate(fromOffset: firstCutOffset, io: file.io)
        if let bad = try reloadTail() {
            throw StorageError(.kafkaStorageError, "segment \(file.path) is corrupt at \(bad.position): \(bad.reason)")
        }
        if isEmpty { rollingBaseMs = nil }
        needsSync = true
    }

    /// Recomputes next offset, max timestamp and index spacing from the last offset index entry
    /// to the end of the file (a few KB). Returns the position of a bad batch if one is found.
    @discardableResult
    func reloadTail() throws(StorageError) -> (position: Int64, reason: String)? {
        let start = offsetIndex.last?.position ?? 0
        nextOffset = offsetIndex.last?.offset ?? baseOffset
        if let last = timeIndex.last {
            maxTimestamp = last.timestamp
            offsetOfMaxTimestamp = last.offset
        } else {
            maxTimestamp = -1
            offsetOfMaxTimestamp = baseOffset
        }
        bytesSinceLastIndexEntry = 0
        var scanner = BatchScanner(file: file, from: start, end: size)
        while true {
            switch try scanner.next() {
            case .batch(let header, let position, _):
                track(header, at: position, indexIntervalBytes: Int.max)
            case .end:
                return nil
            case .invalid(let position, let reason):
                return (position, reason)
            }
        }
    }
}

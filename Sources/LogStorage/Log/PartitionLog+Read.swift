import KafkaProtocol
import NIOCore

/// Where a read continues in one segment: the file, a start position and the bytes committed
/// when the lock was held (later appends are not part of this read).
struct SegmentCursor: Sendable {
    var file: SegmentFile
    var baseOffset: Int64
    var position: Int64
    var end: Int64
}

extension PartitionLog {
    /// Reads whole batches from the batch containing `offset` (the first batch whose last offset
    /// is at or above it), from one segment only, up to `maxBytes`, stopping before any batch
    /// that reaches `maxOffset` (exclusive: the high watermark or last stable offset). With
    /// `minOneBatch` the first batch is returned whole even when larger than `maxBytes`.
    /// An offset below the log start or above the log end is OFFSET_OUT_OF_RANGE; the log end
    /// itself gives an empty result. The lock is held only to pick positions, never for the scan.
    public func read(from offset: Int64, maxBytes: Int, maxOffset: Int64, minOneBatch: Bool) throws(StorageError) -> LogReadResult {
        let (start, offsets) = try state.withLock { state throws(StorageError) -> (SegmentCursor?, LogReadResult) in
            let empty = LogReadResult.empty(
                logStartOffset: state.logStartOffset, logEndOffset: state.logEndOffset, highWatermark: state.highWatermark)
            guard offset >= state.logStartOffset, offset <= state.logEndOffset else {
                throw error(.offsetOutOfRange, "offset \(offset) is out of range: the log holds [\(state.logStartOffset), \(state.logEndOffset))", offset: offset)
            }
            guard offset < state.logEndOffset, offset < maxOffset, let index = state.segmentIndex(for: offset) else {
                return (nil, empty)
            }
            let segment = state.segments[index]
            let hint = segment.offsetIndex.lookup(offset).position
            return (SegmentCursor(file: segment.file, baseOffset: segment.baseOffset, position: hint, end: segment.size), empty)
        }
        guard var cursor = start else { return offsets }
        while true {
            if let (header, position) = try firstBatch(in: cursor, where: { $0.lastOffset >= offset }) {
                return try collect(from: header, at: position, cursor: cursor, maxBytes: maxBytes, maxOffset: maxOffset,
                                   minOneBatch: minOneBatch, offsets: offsets)
            }
            // Only a gap (compaction) leaves the rest of a segment below the offset.
            guard let next = segmentCursor(after: cursor.baseOffset) else { return offsets }
            cursor = next
        }
    }

    /// The segment after the one based at `base`, from its start.
    func segmentCursor(after base: Int64) -> SegmentCursor? {
        state.withLock { state in
            guard let index = state.segmentIndex(for: base), index + 1 < state.segments.count else { return nil }
            let segment = state.segments[index + 1]
            return SegmentCursor(file: segment.file, baseOffset: segment.baseOffset, position: 0, end: segment.size)
        }
    }

    /// Scans headers from the cursor for the first batch matching `predicate`.
    func firstBatch(in cursor: SegmentCursor, where predicate: (RecordBatchHeader) -> Bool) throws(StorageError) -> (RecordBatchHeader, Int64)? {
        var scanner = BatchScanner(file: cursor.file, from: cursor.position, end: cursor.end)
        while true {
            switch try scanner.next() {
            case .batch(let header, let position, _):
                if predicate(header) { return (header, position) }
            case .end:
                return nil
            case .invalid(let position, let reason):
                throw error(.kafkaStorageError, "segment \(cursor.file.path) is unreadable at \(position): \(reason)")
            }
        }
    }

    /// Extends the read from its first batch while batches fit in `maxBytes` and stay below
    /// `maxOffset`, jumping through the offset index so only the last few KB are scanned.
    private func collect(
        from first: RecordBatchHeader, at start: Int64, cursor: SegmentCursor, maxBytes: Int, maxOffset: Int64,
        minOneBatch: Bool, offsets: LogReadResult
    ) throws(StorageError) -> LogReadResult {
        guard first.lastOffset < maxOffset else { return offsets }
        var end = start + Int64(first.totalSize)
        if first.totalSize > maxBytes {
            return minOneBatch ? result(cursor, start, end, first, offsets) : offsets
        }
        let limit = min(start + Int64(maxBytes), cursor.end)
        let jump = state.withLock { state -> Int64? in
            // Only this very file's index: the cleaner may have swapped in a new segment at the same base.
            guard let segment = state.segment(withBase: cursor.baseOffset), segment.file === cursor.file else { return nil }
            return segment.offsetIndex.lastEntry(from: end, atOrBelow: limit, offsetBelow: maxOffset)
        }
        if let jump { end = jump }
        var scanner = BatchScanner(file: cursor.file, from: end, end: cursor.end)
        scan: while true {
            // A bad batch past the first one ends the read; the next fetch reports it.
            guard case .batch(let header, let position, _) = try scanner.next(),
                  position + Int64(header.totalSize) <= limit, header.lastOffset < maxOffset else { break scan }
            end = position + Int64(header.totalSize)
        }
        return result(cursor, start, end, first, offsets)
    }

    private func result(
        _ cursor: SegmentCursor, _ start: Int64, _ end: Int64, _ first: RecordBatchHeader, _ offsets: LogReadResult
    ) -> LogReadResult {
        LogReadResult(
            file: cursor.file, position: start, length: Int(end - start), firstOffset: first.baseOffset,
            logStartOffset: offsets.logStartOffset, logEndOffset: offsets.logEndOffset, highWatermark: offsets.highWatermark)
    }
}

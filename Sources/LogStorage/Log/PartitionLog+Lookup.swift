import KafkaProtocol
import NIOCore

extension PartitionLog {
    /// ListOffsets by timestamp: the first offset (at or after the log start) whose record
    /// timestamp is at or above `timestamp`, with that timestamp; nil when no record reaches it.
    /// Finds the segment by its max timestamp, the start position through the time and offset
    /// indexes, the batch by a short header scan, then the record inside that one batch.
    public func offset(forTimestamp timestamp: Int64) throws(StorageError) -> (offset: Int64, timestamp: Int64)? {
        let (start, logStart) = state.withLock { state -> (SegmentCursor?, Int64) in
            let logStart = state.logStartOffset
            let first = state.segmentIndex(for: logStart) ?? 0
            guard let index = state.segments[first...].firstIndex(where: { $0.maxTimestamp >= timestamp }) else {
                return (nil, logStart)
            }
            let segment = state.segments[index]
            let entryOffset = segment.timeIndex.lastEntry(below: timestamp)?.offset ?? segment.baseOffset
            let position = segment.offsetIndex.lookup(max(entryOffset, logStart)).position
            return (SegmentCursor(file: segment.file, baseOffset: segment.baseOffset, position: position, end: segment.size), logStart)
        }
        guard var cursor = start else { return nil }
        while true {
            if let (header, position) = try firstBatch(in: cursor, where: { $0.maxTimestamp >= timestamp && $0.lastOffset >= logStart }) {
                return try firstRecord(in: header, at: position, file: cursor.file, atOrAbove: timestamp, from: logStart)
            }
            guard let next = segmentCursor(after: cursor.baseOffset) else { return nil }
            cursor = next
        }
    }

    /// ListOffsets MAX_TIMESTAMP: the largest timestamp in the log and the first offset carrying it.
    public func maxTimestampAndOffset() throws(StorageError) -> (timestamp: Int64, offset: Int64)? {
        let max = state.withLock { state in state.segments.map(\.maxTimestamp).max() ?? -1 }
        guard max >= 0, let found = try offset(forTimestamp: max) else { return nil }
        return (found.timestamp, found.offset)
    }

    /// The record inside one batch: every record of a LogAppendTime batch has the batch time;
    /// otherwise the batch is read (and decompressed) and its records walked.
    private func firstRecord(
        in header: RecordBatchHeader, at position: Int64, file: SegmentFile, atOrAbove timestamp: Int64, from logStart: Int64
    ) throws(StorageError) -> (offset: Int64, timestamp: Int64) {
        let fallback = (offset: max(header.baseOffset, logStart), timestamp: header.maxTimestamp)
        if header.timestampType == .logAppendTime { return fallback }
        let batch = try file.read(at: position, length: header.totalSize)
        guard var records = batch.getSlice(at: batch.readerIndex + RecordBatchHeader.size, length: header.totalSize - RecordBatchHeader.size) else {
            return fallback
        }
        do {
            if header.compression != .none {
                records = try header.compression.decompress(records, maxOutputBytes: 256 << 20)
            }
            var iterator = RecordIterator(records)
            while let record = try iterator.next() {
                let offset = record.offset(in: header)
                let time = record.timestamp(in: header)
                if time >= timestamp && offset >= logStart { return (offset, time) }
            }
        } catch {
            logger.warning("cannot read records for a timestamp lookup", metadata: ["offset": "\(header.baseOffset)", "error": "\(error)"])
        }
        return fallback
    }

    /// OffsetForLeaderEpoch: the largest epoch at or below `epoch` and where it ended.
    public func endOffset(forLeaderEpoch epoch: Int32) -> (epoch: Int32, offset: Int64) {
        state.withLock { state in state.epochCache.endOffset(for: epoch, logEndOffset: state.logEndOffset) }
    }

    /// The leader epoch that wrote `offset`, from the epoch cache.
    public func epoch(containing offset: Int64) -> Int32? {
        state.withLock { $0.epochCache.epoch(containing: offset) }
    }

    /// The latest leader epoch with data in the log.
    public var latestEpoch: Int32? { state.withLock { $0.epochCache.latest?.epoch } }

    /// The epoch cache entries (epoch, start offset), oldest first.
    public var leaderEpochEntries: [(epoch: Int32, startOffset: Int64)] {
        state.withLock { $0.epochCache.entries.map { ($0.epoch, $0.startOffset) } }
    }
}

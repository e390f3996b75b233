import KafkaProtocol
import NIOCore

extension Cleaner {
    /// Kafka's buildOffsetMap: every keyed record at or above `start` in the dirty segments
    /// below `end` puts key hash → offset, latest wins. Batches of aborted transactions are
    /// skipped. Stops early when the map is full: `map.latestOffset` then says how far it got.
    func buildOffsetMap(_ log: PartitionLog, view: CleaningView, start: Int64, end: Int64) throws(CleanerError) {
        map.clear()
        let dirty = view.segments(from: start, to: end)
        var transactionState = CleanerTransactionState()
        transactionState.add(log.abortedTransactions(inSegmentsFrom: start, to: end))
        for segment in dirty {
            try checkDone(log)
            let position = start > segment.baseOffset ? log.startPosition(of: start, in: segment) : 0
            let full = try mapSegment(segment, log: log, from: position, start: start, transactions: &transactionState)
            if full { return }
            // Offsets missing at the end of the segment (compacted away) are covered too.
            map.updateLatestOffset(min(segment.nextBaseOffset, end) - 1)
        }
    }

    /// Maps one segment from `position`; true when the map filled up.
    private func mapSegment(
        _ segment: CleanableSegment, log: PartitionLog, from position: Int64, start: Int64,
        transactions: inout CleanerTransactionState
    ) throws(CleanerError) -> Bool {
        var scanner = BatchScanner(file: segment.file, from: position, end: segment.size, chunkSize: config.ioBufferPerThread)
        while true {
            try checkDone(log)
            let step = try storage { () throws(StorageError) in try scanner.next(needBody: true) }
            switch step {
            case .end:
                return false
            case .invalid(let at, let reason):
                throw .failed(StorageError.corrupt("segment \(segment.baseOffset) is unreadable at byte \(at): \(reason)"))
            case .batch(let header, _, let body):
                guard let batch = body, header.crcIsValid(in: batch, at: batch.readerIndex) else {
                    throw .failed(StorageError.corrupt("CRC mismatch in batch at offset \(header.baseOffset) of segment \(segment.baseOffset)", offset: header.baseOffset))
                }
                limiter.throttle(header.totalSize) { stopping() }
                summary.mapBytesRead += Int64(header.totalSize)
                if header.isControl {
                    _ = transactions.onControlBatch(header, type: try controlType(of: batch, header: header))
                    summary.mapRecordsRead += 1
                } else if transactions.onDataBatch(header) {
                    summary.mapRecordsRead += Int64(max(header.recordCount, 0))
                } else if try mapRecords(of: batch, header: header, start: start) {
                    return true
                }
                if header.lastOffset >= start { map.updateLatestOffset(header.lastOffset) }
            }
        }
    }

    /// Puts the batch's keyed records at or above `start`; true when the map is full.
    private func mapRecords(of batch: ByteBuffer, header: RecordBatchHeader, start: Int64) throws(CleanerError) -> Bool {
        var records = try storage { () throws(StorageError) in try filter.records(of: batch, header: header) }
        while records.readableBytes > 0 {
            let record: Record
            do {
                record = try Record.read(from: &records)
            } catch {
                throw .failed(StorageError.corrupt("malformed record in batch at offset \(header.baseOffset): \(error)", offset: header.baseOffset))
            }
            let offset = header.baseOffset + Int64(record.offsetDelta)
            if let key = record.key, offset >= start {
                if map.isFull { return true }
                map.put(key.withUnsafeReadableBytes(KeyHash.of), offset: offset)
            }
            summary.mapRecordsRead += 1
        }
        return false
    }
}

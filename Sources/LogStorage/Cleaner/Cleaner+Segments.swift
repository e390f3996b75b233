import KafkaProtocol
import NIOCore

extension Cleaner {
    /// Kafka's cleanSegments: rewrites one group into a `.cleaned` segment based at the group's
    /// first base offset, makes it durable, and swaps it in. On any failure the cleaned files
    /// are deleted and the old segments stay.
    func cleanGroup(
        _ group: [CleanableSegment], log: PartitionLog, config: LogConfig, producers: [Int64: ProducerLastRecord],
        transactions: inout CleanerTransactionState, roundEnd: Int64, now: Int64
    ) throws(CleanerError) {
        guard let first = group.first, let last = group.last else { return }
        let directory = log.directory
        let base = first.baseOffset
        removeCleanedFiles(directory: directory, base: base)
        let cleaned = try storage { () throws(StorageError) in try createCleanedSegment(directory: directory, base: base, config: config, io: log.io) }
        transactions.startSegment()
        do throws(CleanerError) {
            for (position, segment) in group.enumerated() {
                transactions.add(log.abortedTransactions(inSegmentsFrom: segment.baseOffset, to: segment.nextBaseOffset))
                try cleanSegment(
                    segment, into: cleaned, log: log, config: config, producers: producers, transactions: &transactions,
                    groupEnd: position == group.count - 1, roundEnd: roundEnd, now: now)
            }
            try flushWrites(to: cleaned, config: config, now: now)
            try storage { () throws(StorageError) in
                try cleaned.seal(io: log.io)
                for aborted in transactions.retainedAborted { try cleaned.txnIndex.append(aborted, io: log.io) }
                try cleaned.txnIndex.sync(io: log.io)
                try cleaned.file.sync()
                try Posix.syncFile(cleaned.offsetIndex.entries.path, io: log.io)
                try Posix.syncFile(cleaned.timeIndex.entries.path, io: log.io)
            }
            if let modified = last.file.lastModifiedMs() { cleaned.file.setLastModified(ms: modified) }
            try checkDone(log)
            var lockHeldNs: UInt64 = 0
            let replaced = try storage { () throws(StorageError) in try log.replaceWithCleaned(group, lockHeldNs: &lockHeldNs) }
            summary.longestSwapNs = max(summary.longestSwapNs, lockHeldNs)
            guard replaced else { throw .aborted("segments \(base)...\(last.baseOffset) changed while they were cleaned") }
        } catch {
            removeCleanedFiles(directory: directory, base: base)
            throw error
        }
        summary.segmentsWritten += 1
    }

    /// Kafka's cleanInto for one source segment. Each batch is decided once the next one is
    /// known, so the group's last batch is recognised: it is kept (empty if nothing survives),
    /// so the cleaned segment always ends at the group's last offset, which is what a load
    /// after a crash uses to find the old segments a `.swap` replaces.
    private func cleanSegment(
        _ segment: CleanableSegment, into cleaned: LogSegment, log: PartitionLog, config: LogConfig,
        producers: [Int64: ProducerLastRecord], transactions: inout CleanerTransactionState, groupEnd: Bool,
        roundEnd: Int64, now: Int64
    ) throws(CleanerError) {
        var scanner = BatchScanner(file: segment.file, from: 0, end: segment.size, chunkSize: self.config.ioBufferPerThread)
        var pending: (header: RecordBatchHeader, bytes: ByteBuffer)?
        scan: while true {
            try checkDone(log)
            let step = try storage { () throws(StorageError) in try scanner.next(needBody: true) }
            switch step {
            case .end:
                break scan
            case .invalid(let at, let reason):
                throw .failed(StorageError.corrupt("segment \(segment.baseOffset) is unreadable at byte \(at): \(reason)"))
            case .batch(let header, _, let body):
                guard let batch = body, header.crcIsValid(in: batch, at: batch.readerIndex) else {
                    throw .failed(StorageError.corrupt("CRC mismatch in batch at offset \(header.baseOffset) of segment \(segment.baseOffset)", offset: header.baseOffset))
                }
                limiter.throttle(header.totalSize) { stopping() }
                summary.bytesRead += Int64(header.totalSize)
                if let previous = pending {
                    try filterBatch(previous.bytes, header: previous.header, into: cleaned, config: config, producers: producers,
                                    transactions: &transactions, groupEnd: false, roundEnd: roundEnd, now: now)
                }
                pending = (header, batch)
            }
        }
        if let previous = pending {
            try filterBatch(previous.bytes, header: previous.header, into: cleaned, config: config, producers: producers,
                            transactions: &transactions, groupEnd: groupEnd, roundEnd: roundEnd, now: now)
        }
    }

    /// Decides and writes one batch (Kafka's checkBatchRetention and shouldRetainRecord).
    private func filterBatch(
        _ batch: ByteBuffer, header: RecordBatchHeader, into cleaned: LogSegment, config: LogConfig,
        producers: [Int64: ProducerLastRecord], transactions: inout CleanerTransactionState, groupEnd: Bool,
        roundEnd: Int64, now: Int64
    ) throws(CleanerError) {
        let canDiscard: Bool
        if header.isControl {
            canDiscard = transactions.onControlBatch(header, type: try controlType(of: batch, header: header))
        } else {
            canDiscard = transactions.onDataBatch(header)
        }
        // A marker goes once no data of its transaction is left and its horizon has passed;
        // aborted data goes at once.
        let discardRecords = header.isControl
            ? canDiscard && header.hasDeleteHorizon && header.baseTimestamp <= now
            : canDiscard
        let retention: BatchRetention
        if header.hasProducerId && isLastBatch(of: producers[header.producerId], header) {
            retention = .retainEmpty  // it holds the producer's last sequence or epoch
        } else if groupEnd || header.lastOffset + 1 == roundEnd {
            retention = .retainEmpty  // keeps the log's and the cleaned segment's last offset
        } else {
            retention = discardRecords ? .delete : .deleteEmpty
        }
        let horizon = now.addingReportingOverflow(config.deleteRetentionMs)
        let latestMapped = map.latestOffset
        let outcome = try storage { () throws(StorageError) in
            try filter.filter(
                batch: batch, header: header, retention: retention, markerForEmptyTransaction: canDiscard && header.isControl,
                horizonMs: horizon.overflow ? .max : horizon.partialValue, into: &writeBuffer
            ) { record, offset in
                if discardRecords { return false }
                if header.isControl || offset > latestMapped { return true }
                guard let key = record.key else {
                    summary.keylessRecords += 1
                    return false
                }
                let latest = offset >= map.get(key.withUnsafeReadableBytes(KeyHash.of))
                let keepValue = record.value != nil || !header.hasDeleteHorizon || now < header.baseTimestamp
                return latest && keepValue
            }
        }
        summary.recordsRead += Int64(outcome.recordsRead)
        summary.recordsKept += Int64(outcome.recordsKept)
        if writeBuffer.readableBytes >= self.config.ioBufferPerThread {
            try flushWrites(to: cleaned, config: config, now: now)
        }
    }

    /// Kafka's isBatchLastRecordOfProducer.
    private func isLastBatch(of producer: ProducerLastRecord?, _ header: RecordBatchHeader) -> Bool {
        guard let producer else { return false }
        if let lastData = producer.lastDataOffset { return header.lastOffset == lastData }
        return header.isControl && header.producerEpoch == producer.producerEpoch
    }

    private func flushWrites(to cleaned: LogSegment, config: LogConfig, now: Int64) throws(CleanerError) {
        guard writeBuffer.readableBytes > 0 else { return }
        let bytes = writeBuffer.readableBytes
        try storage { () throws(StorageError) in try cleaned.append(writeBuffer, nowMs: now, indexIntervalBytes: config.indexIntervalBytes) }
        writeBuffer.clear()
        summary.bytesWritten += Int64(bytes)
        limiter.throttle(bytes) { stopping() }
    }

    private func createCleanedSegment(directory: String, base: Int64, config: LogConfig, io: any LogFileIO) throws(StorageError) -> LogSegment {
        func path(_ suffix: String) -> String { LogFileNames.segmentFile(directory, base, suffix + LogFileNames.cleanedSuffix) }
        let file = try SegmentFile.open(path(LogFileNames.logSuffix), create: true, io: io)
        try file.truncate(to: 0)
        return LogSegment(
            baseOffset: base, file: file,
            offsetIndex: OffsetIndex(baseOffset: base, path: path(LogFileNames.indexSuffix), maxEntries: config.maxIndexEntries),
            timeIndex: TimeIndex(baseOffset: base, path: path(LogFileNames.timeIndexSuffix), maxEntries: config.maxIndexEntries + 1),
            txnIndex: TransactionIndex(path: path(LogFileNames.txnIndexSuffix)), size: 0)
    }

    private func removeCleanedFiles(directory: String, base: Int64) {
        for suffix in LogFileNames.segmentFileSuffixes {
            try? Posix.remove(LogFileNames.segmentFile(directory, base, suffix + LogFileNames.cleanedSuffix))
        }
    }
}

import KafkaProtocol
import NIOCore

extension PartitionLog {
    /// Checks every batch against the producer state before the append changes anything.
    /// Returns the original append's result for a retried batch (Kafka answers the whole append
    /// with it; clients send one batch per partition), throws for a rejected one, nil to append.
    /// Several batches of one producer in one append are each checked against the state before
    /// the append, so only the broker's own multi-batch writes (no producer ids) may use that.
    func checkProducers(_ records: ByteBuffer, in state: State, origin: AppendOrigin) throws(StorageError) -> AppendResult? {
        // A closed log answers nothing from memory: the append below refuses it.
        guard !state.closed else { return nil }
        var index = records.readerIndex
        while let header = RecordBatchHeader(buffer: records, at: index) {
            switch state.producers.check(header, origin: origin) {
            case .append:
                break
            case .duplicate(let firstOffset, let lastOffset, let logAppendTime):
                return AppendResult(
                    firstOffset: firstOffset, lastOffset: lastOffset, logAppendTime: logAppendTime,
                    logStartOffset: state.logStartOffset, maxTimestamp: -1, batchCount: 0, bytes: 0, isDuplicate: true)
            case .error(let code, let message):
                throw error(code, message, offset: state.logEndOffset)
            }
            index += header.totalSize
        }
        return nil
    }

    /// Records the appended batches (by their stored headers, offsets assigned) in the producer
    /// state; an abort marker adds its transaction to the active segment's transaction index.
    /// `logAppendTime` nil reads it from each header (replication).
    func updateProducers(_ batches: AppendBatches, in state: inout State, now: Int64, logAppendTime: Int64?) {
        batches.forEachBatch { header, index in
            let control = header.isControl ? ControlRecordType.of(batchIn: batches.records, at: index, header: header) : nil
            let completed = state.producers.update(
                with: header, firstOffset: header.baseOffset, lastOffset: header.lastOffset, appendTimeMs: now,
                logAppendTime: logAppendTime, controlType: control)
            if let completed, completed.isAborted {
                do {
                    try state.active.txnIndex.append(state.producers.abortedEntry(for: completed), io: io)
                    state.active.needsSync = true
                } catch {
                    // The entry stays in memory; the next replay after a restart writes it again.
                    logger.error("cannot write the transaction index", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// A failed snapshot only makes the next load replay more of the log, so it is logged, not thrown.
    func writeProducerSnapshot(_ state: inout State, offset: Int64, sync: Bool) {
        do {
            try state.producers.writeSnapshot(offset: offset, sync: sync, io: io)
        } catch {
            logger.warning("cannot write producer snapshot", metadata: ["offset": "\(offset)", "error": "\(error)"])
        }
    }

    /// Forgets producers idle longer than `producerIdExpirationMs` (Kafka checks every 10 minutes).
    @discardableResult
    public func expireProducers(producerIdExpirationMs: Int64 = ProducerStateManager.defaultProducerIdExpirationMs) -> Int {
        let now = clock.nowMs
        return state.withLock { $0.producers.expire(nowMs: now, producerIdExpirationMs: producerIdExpirationMs) }
    }

    /// Producer ids with state on this partition (DescribeProducers, tests).
    public var producerCount: Int { state.withLock { $0.producers.producerCount } }
}

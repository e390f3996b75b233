import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Synchronization

/// Runs one transaction coordinator shard against its `__transaction_state` partition. Its lock
/// serializes the shard's decisions: compute, append the record, replay it, all under the lock,
/// so records reach the log in the order their changes apply and a failed append changes
/// nothing. Marker writing happens outside the lock (see TransactionCoordinator).
final class TransactionShardRuntime: Sendable {
    private struct Slot: Sendable {
        var status: CoordinatorStatus = .loading
        var shard: TransactionCoordinatorShard
        /// Transactional ids whose markers are being written right now.
        var completing: Set<String> = []
    }

    let partition: Partition
    private let slot: Mutex<Slot>
    private let logger: Logger

    init(partition: Partition, config: TransactionCoordinatorConfig, logger: Logger) {
        self.partition = partition
        self.slot = Mutex(Slot(shard: TransactionCoordinatorShard(partitionIndex: partition.index, config: config)))
        var logger = logger
        logger[metadataKey: "txn_partition"] = "\(partition.index)"
        self.logger = logger
    }

    var status: CoordinatorStatus { slot.withLock { $0.status } }

    /// Replays the partition's log into a fresh shard.
    func load(bufferBytes: Int) -> LogReplay.Summary? {
        slot.withLock { slot in
            var shard = TransactionCoordinatorShard(partitionIndex: slot.shard.partitionIndex, config: slot.shard.config)
            do throws(BrokerError) {
                let summary = try LogReplay.forEachRecord(in: partition.log, bufferBytes: bufferBytes) { header, record throws(BrokerError) in
                    guard !header.isControl else { return }
                    guard let key = record.key else {
                        throw BrokerError(.corruptMessage, "record at offset \(record.offset(in: header)) has no key")
                    }
                    do {
                        shard.replay(try TransactionLogRecord.decode(key: key, value: record.value))
                    } catch {
                        throw BrokerError(.corruptMessage, "record at offset \(record.offset(in: header)) does not decode: \(error)")
                    }
                }
                slot.shard = shard
                slot.status = .active
                return summary
            } catch {
                logger.error("cannot load transaction coordinator state", metadata: ["error": "\(error)"])
                slot.status = .failed(error.message)
                return nil
            }
        }
    }

    func read<Result: Sendable>(_ operation: (TransactionCoordinatorShard) throws(BrokerError) -> Result) throws(BrokerError) -> Result {
        try slot.withLock { slot throws(BrokerError) -> Result in
            try slot.status.requireActive()
            return try operation(slot.shard)
        }
    }

    /// Computes a decision and, when it has a record, appends and replays it before returning;
    /// with the log end after the record, for the caller to wait for its replication.
    func decide<Answer: Sendable>(
        now: Int64, _ operation: (TransactionCoordinatorShard) throws(BrokerError) -> TransactionDecision<Answer>
    ) throws(BrokerError) -> (TransactionDecision<Answer>, end: Int64?) {
        try slot.withLock { slot throws(BrokerError) -> (TransactionDecision<Answer>, end: Int64?) in
            try slot.status.requireActive()
            let decision = try operation(slot.shard)
            guard let record = decision.record else { return (decision, nil) }
            let end = try append([record], now: now)
            slot.shard.replay(record)
            return (decision, end)
        }
    }

    /// Appends tombstones or other records computed from the current state.
    func write(now: Int64, _ records: (TransactionCoordinatorShard) -> [TransactionLogRecord]) throws(BrokerError) {
        try slot.withLock { slot throws(BrokerError) in
            try slot.status.requireActive()
            let chosen = records(slot.shard)
            guard !chosen.isEmpty else { return }
            _ = try append(chosen, now: now)
            for record in chosen { slot.shard.replay(record) }
        }
    }

    /// Claims a preparing transaction for marker writing; nil when it is not preparing or
    /// someone else is already writing its markers.
    func beginCompletion(_ transactionalId: String) -> TransactionMetadata? {
        slot.withLock { slot in
            guard slot.status == .active, let metadata = slot.shard.transactions[transactionalId],
                  metadata.state.isPreparing, !slot.completing.contains(transactionalId) else { return nil }
            slot.completing.insert(transactionalId)
            return metadata
        }
    }

    func endCompletion(_ transactionalId: String) {
        _ = slot.withLock { $0.completing.remove(transactionalId) }
    }

    /// Appends the records as one batch; the log end after them.
    private func append(_ records: [TransactionLogRecord], now: Int64) throws(BrokerError) -> Int64 {
        var builder = RecordBatchBuilder()
        for record in records {
            builder.append(key: record.encodeKey(), value: record.encodeValue(), timestamp: now)
        }
        let batch: ByteBuffer
        do {
            batch = try builder.build()
        } catch {
            throw BrokerError(.unknownServerError, "cannot build a transaction log batch: \(error)")
        }
        do {
            return try partition.appendAsLeader(batch, logAppendTime: nil).lastOffset + 1
        } catch {
            logger.warning("cannot append transaction log records", metadata: ["error": "\(error)"])
            throw BrokerError(CoordinatorStatus.coordinatorError(for: error.code), error.message)
        }
    }
}

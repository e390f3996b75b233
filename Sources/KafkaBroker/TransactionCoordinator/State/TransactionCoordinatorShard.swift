import KafkaProtocol
import LogStorage

/// What a coordinator operation decided: the answer for the client, the record that must be in
/// `__transaction_state` before it is given, and whether the transaction's markers are to be
/// written next.
struct TransactionDecision<Answer: Sendable>: Sendable {
    var answer: Answer
    var record: TransactionLogRecord?
    var completeAfter = false
}

/// The transaction coordinator's state for one `__transaction_state` partition, without I/O
/// (Kafka's TransactionCoordinator logic over TransactionStateManager's cache). Operations are
/// non-mutating and return a decision; the state changes only in `replay`, for records already
/// in the log, so loading after a restart runs the same code as live traffic.
public struct TransactionCoordinatorShard: Sendable, Equatable {
    public let partitionIndex: Int32
    public let config: TransactionCoordinatorConfig
    public internal(set) var transactions: [String: TransactionMetadata] = [:]

    public init(partitionIndex: Int32, config: TransactionCoordinatorConfig) {
        self.partitionIndex = partitionIndex
        self.config = config
    }

    public mutating func replay(_ record: TransactionLogRecord) {
        transactions[record.transactionalId] = record.metadata
    }

    /// The transaction of `transactionalId` if `producerId` and `producerEpoch` are its current
    /// producer (the checks AddPartitionsToTxn, AddOffsetsToTxn and EndTxn share).
    func current(_ transactionalId: String, producerId: Int64, producerEpoch: Int16) throws(BrokerError) -> TransactionMetadata {
        guard let metadata = transactions[transactionalId], metadata.producerId == producerId else {
            throw BrokerError(.invalidProducerIdMapping, "producer id \(producerId) is not the current producer of transactional id \(transactionalId)")
        }
        guard metadata.producerEpoch == producerEpoch else {
            throw BrokerError(.producerFenced, "producer epoch \(producerEpoch) of transactional id \(transactionalId) is fenced by epoch \(metadata.producerEpoch)")
        }
        return metadata
    }

    // MARK: InitProducerId

    /// InitProducerId with a transactional id. On success the record's metadata carries the
    /// producer id and epoch to return. An open transaction is first aborted under a bumped
    /// epoch and the client told to retry (CONCURRENT_TRANSACTIONS), as Kafka does.
    func initProducerId(
        _ transactionalId: String, timeoutMs: Int32, expected: (producerId: Int64, epoch: Int16)?, now: Int64,
        newProducerId: () throws(BrokerError) -> Int64
    ) throws(BrokerError) -> TransactionDecision<ErrorCode> {
        guard let metadata = transactions[transactionalId] else {
            let created = TransactionMetadata.created(producerId: try newProducerId(), timeoutMs: timeoutMs, now: now)
            return TransactionDecision(answer: .none, record: TransactionLogRecord(transactionalId: transactionalId, metadata: created))
        }
        if let expected, expected.producerId != metadata.producerId {
            throw BrokerError(.producerFenced, "producer id \(expected.producerId) of transactional id \(transactionalId) was replaced by \(metadata.producerId)")
        }
        switch metadata.state {
        case .prepareCommit, .prepareAbort:
            throw BrokerError(.concurrentTransactions, "transactional id \(transactionalId) is completing a transaction")
        case .ongoing:
            return TransactionDecision(
                answer: .concurrentTransactions,
                record: TransactionLogRecord(transactionalId: transactionalId, metadata: metadata.fencedForAbort(now: now)),
                completeAfter: true)
        case .empty, .completeCommit, .completeAbort, .dead, .prepareEpochFence:
            if let expected, expected.epoch != metadata.producerEpoch {
                throw BrokerError(.producerFenced, "producer epoch \(expected.epoch) of transactional id \(transactionalId) is not the current epoch \(metadata.producerEpoch)")
            }
            let next = metadata.isEpochExhausted
                ? metadata.rotated(to: try newProducerId(), timeoutMs: timeoutMs, now: now)
                : metadata.bumpedEpoch(timeoutMs: timeoutMs, now: now)
            return TransactionDecision(answer: .none, record: TransactionLogRecord(transactionalId: transactionalId, metadata: next))
        }
    }

    // MARK: AddPartitionsToTxn, AddOffsetsToTxn

    func addPartitions(
        _ transactionalId: String, producerId: Int64, producerEpoch: Int16, partitions: Set<TopicPartition>, now: Int64
    ) throws(BrokerError) -> TransactionDecision<ErrorCode> {
        let metadata = try current(transactionalId, producerId: producerId, producerEpoch: producerEpoch)
        if metadata.state.isPreparing {
            throw BrokerError(.concurrentTransactions, "transactional id \(transactionalId) is completing a transaction")
        }
        if metadata.state == .ongoing && partitions.isSubset(of: metadata.partitions) {
            return TransactionDecision(answer: .none)
        }
        return TransactionDecision(
            answer: .none,
            record: TransactionLogRecord(transactionalId: transactionalId, metadata: metadata.adding(partitions, now: now)))
    }

    /// AddPartitionsToTxn v4+ with verify_only: whether each partition is in the open
    /// transaction (TRANSACTION_ABORTABLE when not), changing nothing.
    func verifyPartitions(
        _ transactionalId: String, producerId: Int64, producerEpoch: Int16, partitions: [TopicPartition]
    ) throws(BrokerError) -> [TopicPartition: ErrorCode] {
        let metadata = try current(transactionalId, producerId: producerId, producerEpoch: producerEpoch)
        if metadata.state.isPreparing {
            throw BrokerError(.concurrentTransactions, "transactional id \(transactionalId) is completing a transaction")
        }
        var result: [TopicPartition: ErrorCode] = [:]
        for partition in partitions {
            result[partition] = metadata.partitions.contains(partition) ? ErrorCode.none : .transactionAbortable
        }
        return result
    }

    // MARK: EndTxn

    func endTransaction(
        _ transactionalId: String, producerId: Int64, producerEpoch: Int16, commit: Bool, now: Int64
    ) throws(BrokerError) -> TransactionDecision<ErrorCode> {
        let metadata = try current(transactionalId, producerId: producerId, producerEpoch: producerEpoch)
        let wrongState = BrokerError(
            .invalidTxnState, "transactional id \(transactionalId) is \(metadata.state.name); it cannot \(commit ? "commit" : "abort")")
        switch metadata.state {
        case .ongoing:
            return TransactionDecision(
                answer: .none,
                record: TransactionLogRecord(transactionalId: transactionalId, metadata: metadata.preparing(commit: commit, now: now)),
                completeAfter: true)
        case .completeCommit where commit, .completeAbort where !commit:
            // A retry of an EndTxn that already finished.
            return TransactionDecision(answer: .none)
        case .prepareCommit where commit, .prepareAbort where !commit:
            throw BrokerError(.concurrentTransactions, "transactional id \(transactionalId) is still writing its markers")
        default:
            throw wrongState
        }
    }

    /// Once every marker is written: CompleteCommit or CompleteAbort. Nil when the transaction
    /// is no longer the one whose markers were written.
    func completion(_ transactionalId: String, producerId: Int64, producerEpoch: Int16, now: Int64) -> TransactionLogRecord? {
        guard let metadata = transactions[transactionalId], metadata.state.isPreparing,
              metadata.producerId == producerId, metadata.producerEpoch == producerEpoch else { return nil }
        return TransactionLogRecord(transactionalId: transactionalId, metadata: metadata.completed(now: now))
    }

    // MARK: background work

    /// Open transactions past their timeout, to abort (Kafka's abortTimedOutTransactions).
    func timedOut(now: Int64) -> [String] {
        transactions.filter { $0.value.hasTimedOut(now: now) }.map(\.key).sorted()
    }

    /// Aborts a timed-out transaction under a bumped epoch, fencing its producer.
    func abortTimedOut(_ transactionalId: String, now: Int64) -> TransactionDecision<ErrorCode>? {
        guard let metadata = transactions[transactionalId], metadata.hasTimedOut(now: now) else { return nil }
        return TransactionDecision(
            answer: .none,
            record: TransactionLogRecord(transactionalId: transactionalId, metadata: metadata.fencedForAbort(now: now)),
            completeAfter: true)
    }

    /// Transactions whose markers still need writing (after a restart or a failed attempt).
    var preparing: [String] {
        transactions.filter { $0.value.state.isPreparing }.map(\.key).sorted()
    }

    /// Finished transactional ids idle past transactional.id.expiration.ms: tombstones to write.
    func expired(now: Int64) -> [TransactionLogRecord] {
        transactions.filter { $0.value.state.isFinished && now - $0.value.lastUpdateMs > config.idExpirationMs }
            .keys.sorted().map { TransactionLogRecord(transactionalId: $0, metadata: nil) }
    }
}

import KafkaProtocol
import LogStorage

/// What the coordinator knows of one transactional id (Kafka's TransactionMetadata), as a
/// value: the transitions below return the next value, which becomes current only when its
/// record is in `__transaction_state` and replayed.
public struct TransactionMetadata: Sendable, Equatable {
    public var producerId: Int64
    public var producerEpoch: Int16
    public var timeoutMs: Int32
    public var state: TransactionState
    /// The partitions of the open transaction (empty when none is open).
    public var partitions: Set<TopicPartition>
    public var lastUpdateMs: Int64
    /// When the open transaction began; -1 when none is open.
    public var startMs: Int64

    public init(
        producerId: Int64, producerEpoch: Int16, timeoutMs: Int32, state: TransactionState,
        partitions: Set<TopicPartition> = [], lastUpdateMs: Int64, startMs: Int64 = -1
    ) {
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.timeoutMs = timeoutMs
        self.state = state
        self.partitions = partitions
        self.lastUpdateMs = lastUpdateMs
        self.startMs = startMs
    }

    /// Epochs are int16; the last usable one makes the next bump start a new producer id.
    public var isEpochExhausted: Bool { producerEpoch >= Int16.max - 1 }

    /// Whether an open transaction has outlived its timeout at `now`.
    public func hasTimedOut(now: Int64) -> Bool {
        state == .ongoing && startMs >= 0 && now - startMs > Int64(timeoutMs)
    }

    // MARK: transitions

    /// A first InitProducerId: a fresh producer id at epoch 0.
    static func created(producerId: Int64, timeoutMs: Int32, now: Int64) -> TransactionMetadata {
        TransactionMetadata(producerId: producerId, producerEpoch: 0, timeoutMs: timeoutMs, state: .empty, lastUpdateMs: now)
    }

    /// A later InitProducerId: the next epoch fences every older producer of this id.
    func bumpedEpoch(timeoutMs: Int32, now: Int64) -> TransactionMetadata {
        TransactionMetadata(
            producerId: producerId, producerEpoch: producerEpoch + 1, timeoutMs: timeoutMs, state: .empty, lastUpdateMs: now)
    }

    /// InitProducerId once the epochs of this producer id are used up.
    func rotated(to newProducerId: Int64, timeoutMs: Int32, now: Int64) -> TransactionMetadata {
        TransactionMetadata(producerId: newProducerId, producerEpoch: 0, timeoutMs: timeoutMs, state: .empty, lastUpdateMs: now)
    }

    /// A newer producer (or the timeout) ends the open transaction: the epoch moves on, so the
    /// old producer is fenced, and the transaction is aborted under the new epoch.
    func fencedForAbort(now: Int64) -> TransactionMetadata {
        var next = self
        next.producerEpoch = producerEpoch + 1
        next.state = .prepareAbort
        next.lastUpdateMs = now
        return next
    }

    /// AddPartitionsToTxn / AddOffsetsToTxn: the transaction is (or begins) open with these.
    func adding(_ added: Set<TopicPartition>, now: Int64) -> TransactionMetadata {
        var next = self
        if state.isFinished {
            next.partitions = []
            next.startMs = now
        }
        next.partitions.formUnion(added)
        next.state = .ongoing
        next.lastUpdateMs = now
        return next
    }

    /// EndTxn: markers are to be written.
    func preparing(commit: Bool, now: Int64) -> TransactionMetadata {
        var next = self
        next.state = commit ? .prepareCommit : .prepareAbort
        next.lastUpdateMs = now
        return next
    }

    /// Every marker is written.
    func completed(now: Int64) -> TransactionMetadata {
        var next = self
        next.state = state == .prepareCommit ? .completeCommit : .completeAbort
        next.partitions = []
        next.startMs = -1
        next.lastUpdateMs = now
        return next
    }
}

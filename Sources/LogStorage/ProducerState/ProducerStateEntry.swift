import KafkaProtocol

/// One batch an idempotent producer appended, kept so a retry of it can be answered with the
/// offsets it really got (Kafka's BatchMetadata).
public struct ProducerBatchMetadata: Sendable, Equatable {
    public var firstSequence: Int32
    public var lastSequence: Int32
    public var firstOffset: Int64
    public var lastOffset: Int64
    /// The LogAppendTime stamped on the batch, or -1 on CreateTime topics: what the produce
    /// response of a retry repeats.
    public var logAppendTime: Int64

    public init(firstSequence: Int32, lastSequence: Int32, firstOffset: Int64, lastOffset: Int64, logAppendTime: Int64) {
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.logAppendTime = logAppendTime
    }
}

/// What a partition remembers about one producer id (Kafka's ProducerStateEntry): its epoch,
/// its last five batches (oldest first) and, once transactions exist, the open transaction.
public struct ProducerStateEntry: Sendable, Equatable {
    /// Kafka's clients keep at most five batches in flight per partition, so five is enough to
    /// recognise any retry.
    public static let batchesToRetain = 5

    public let producerId: Int64
    public internal(set) var producerEpoch: Int16
    /// The transaction coordinator epoch of the last marker (-1 until transactions exist).
    public internal(set) var coordinatorEpoch: Int32
    /// Broker time of the last append, for producer id expiration.
    public internal(set) var lastTimestamp: Int64
    /// First offset of the open transaction, if any; such a producer never expires.
    public internal(set) var currentTxnFirstOffset: Int64?
    /// At most `batchesToRetain`, oldest first, all of `producerEpoch`.
    public internal(set) var batches: [ProducerBatchMetadata]

    public init(
        producerId: Int64, producerEpoch: Int16, coordinatorEpoch: Int32 = -1, lastTimestamp: Int64,
        currentTxnFirstOffset: Int64? = nil, batches: [ProducerBatchMetadata] = []
    ) {
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.coordinatorEpoch = coordinatorEpoch
        self.lastTimestamp = lastTimestamp
        self.currentTxnFirstOffset = currentTxnFirstOffset
        self.batches = batches
    }

    /// The sequence of the last retained batch, or -1 when none is retained.
    public var lastSequence: Int32 { batches.last?.lastSequence ?? RecordBatchHeader.noSequence }

    /// The retained batch with exactly this sequence range (a retry of it), if any.
    func batch(firstSequence: Int32, lastSequence: Int32) -> ProducerBatchMetadata? {
        for batch in batches where batch.firstSequence == firstSequence && batch.lastSequence == lastSequence {
            return batch
        }
        return nil
    }

    /// A new epoch starts a new sequence space: the old epoch's batches can no longer be retried.
    mutating func moveToEpoch(_ epoch: Int16) {
        guard epoch != producerEpoch else { return }
        producerEpoch = epoch
        batches.removeAll(keepingCapacity: true)
    }

    /// Remembers a batch, dropping the oldest beyond five. The array keeps its capacity, so a
    /// steady producer costs no allocation per batch.
    mutating func add(_ batch: ProducerBatchMetadata) {
        if batches.count >= Self.batchesToRetain {
            batches.removeFirst(batches.count - Self.batchesToRetain + 1)
        }
        if batches.capacity < Self.batchesToRetain { batches.reserveCapacity(Self.batchesToRetain) }
        batches.append(batch)
    }
}

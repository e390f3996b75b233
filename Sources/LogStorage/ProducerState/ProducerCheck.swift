import KafkaProtocol

/// The verdict on one produced batch before it is appended.
public enum ProducerCheck: Sendable, Equatable {
    /// Append it (also every batch without a producer id).
    case append
    /// A retry of a batch already in the log: do not append; answer with the original offsets
    /// and LogAppendTime (-1 on CreateTime topics), as Kafka does, not with an error.
    case duplicate(firstOffset: Int64, lastOffset: Int64, logAppendTime: Int64)
    /// Reject the partition's append with this code (OUT_OF_ORDER_SEQUENCE_NUMBER,
    /// INVALID_PRODUCER_EPOCH, INVALID_TXN_STATE).
    case error(ErrorCode, String)
}

/// Sequence arithmetic of idempotent producers: sequences are Int32 and wrap from Int32.max to 0.
enum ProducerSequence {
    /// Whether `next` directly follows `last`.
    @inlinable
    static func follows(_ last: Int32, _ next: Int32) -> Bool {
        Int64(next) == Int64(last) + 1 || (next == 0 && last == Int32.max)
    }
}

/// Who wrote a batch (Kafka's AppendOrigin): clients get every producer check; the broker's own
/// coordinators (transactional offset commits, transaction markers) only the epoch check, since
/// their batches carry no sequence numbers.
public enum AppendOrigin: Sendable {
    case client
    case coordinator
}

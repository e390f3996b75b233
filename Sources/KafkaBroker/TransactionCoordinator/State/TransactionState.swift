/// Where a transactional id's current transaction is (Kafka's TransactionState, same ids, so
/// `__transaction_state` records read the same in both).
public enum TransactionState: Int8, Sendable, CaseIterable {
    case empty = 0
    case ongoing = 1
    case prepareCommit = 2
    case prepareAbort = 3
    case completeCommit = 4
    case completeAbort = 5
    case dead = 6
    case prepareEpochFence = 7

    /// The name DescribeTransactions and ListTransactions report (Kafka's TransactionState.name).
    public var name: String {
        switch self {
        case .empty: "Empty"
        case .ongoing: "Ongoing"
        case .prepareCommit: "PrepareCommit"
        case .prepareAbort: "PrepareAbort"
        case .completeCommit: "CompleteCommit"
        case .completeAbort: "CompleteAbort"
        case .dead: "Dead"
        case .prepareEpochFence: "PrepareEpochFence"
        }
    }

    /// Markers are being written; the producer must wait (CONCURRENT_TRANSACTIONS).
    public var isPreparing: Bool { self == .prepareCommit || self == .prepareAbort }

    /// No transaction is open: a new one may begin.
    public var isFinished: Bool { self == .empty || self == .completeCommit || self == .completeAbort }
}

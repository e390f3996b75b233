import KafkaProtocol

/// A transaction that a marker just ended on this partition (Kafka's CompletedTxn).
public struct CompletedTransaction: Sendable, Equatable {
    public var producerId: Int64
    public var firstOffset: Int64
    /// The marker's offset.
    public var lastOffset: Int64
    public var isAborted: Bool
}

extension ProducerStateManager {
    /// The first offset of the oldest open transaction: nothing from here on is stable, so
    /// read_committed consumers stop before it (the last stable offset).
    public var firstUnstableOffset: Int64? { openTransactions.values.min() }

    /// The last stable offset once `completed` has ended (Kafka's lastStableOffset(completedTxn)):
    /// the first offset of the oldest transaction still open, else the offset after the marker.
    func lastStableOffset(after completed: CompletedTransaction) -> Int64 {
        openTransactions.filter { $0.key != completed.producerId }.values.min() ?? completed.lastOffset + 1
    }

    /// Keeps `openTransactions` in step with the producers' open transactions after an entry changed.
    mutating func trackTransaction(of producerId: Int64) {
        if let first = producers[producerId]?.currentTxnFirstOffset {
            openTransactions[producerId] = first
        } else {
            openTransactions.removeValue(forKey: producerId)
        }
    }

    /// Rebuilds `openTransactions` from every producer (after a snapshot load or expiry).
    mutating func reindexTransactions() {
        openTransactions = [:]
        for entry in producers.values {
            if let first = entry.currentTxnFirstOffset { openTransactions[entry.producerId] = first }
        }
    }
}

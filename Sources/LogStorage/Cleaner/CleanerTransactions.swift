import KafkaProtocol

/// What the cleaner knows about transactions while it walks a log in offset order (Kafka's
/// CleanedTransactionMetadata): which producers are inside an aborted transaction (their
/// transactional batches can go) and which markers no longer guard any data (they can go once
/// their delete horizon passes). Carried across the segments of one cleaning round.
struct CleanerTransactionState {
    private struct OngoingAbort {
        var transaction: AbortedTransaction
        var lastObservedBatchOffset: Int64?
    }

    /// Aborted transactions not yet reached, sorted by first offset; `nextAborted` is the cursor.
    private var aborted: [AbortedTransaction] = []
    private var nextAborted = 0
    private var ongoingCommitted = Set<Int64>()
    private var ongoingAborted: [Int64: OngoingAbort] = [:]
    /// Aborted transactions whose data the current cleaned segment keeps (its transaction index).
    private(set) var retainedAborted: [AbortedTransaction] = []

    mutating func add(_ transactions: [AbortedTransaction]) {
        guard !transactions.isEmpty else { return }
        aborted = Array(aborted[nextAborted...]) + transactions
        aborted.sort { $0.firstOffset < $1.firstOffset }
        nextAborted = 0
    }

    /// Starts a new cleaned segment's transaction index.
    mutating func startSegment() { retainedAborted = [] }

    /// A control batch was read; true when it may be discarded (it closes a transaction whose
    /// batches are all gone, or it is an empty, already cleaned marker).
    mutating func onControlBatch(_ header: RecordBatchHeader, type: ControlRecordType?) -> Bool {
        consumeAborted(upTo: header.lastOffset)
        guard let type else { return true }
        let producerId = header.producerId
        switch type {
        case .abort:
            // Keep the marker until every batch of the transaction is gone.
            if let ongoing = ongoingAborted.removeValue(forKey: producerId), ongoing.lastObservedBatchOffset != nil {
                retainedAborted.append(ongoing.transaction)
                return false
            }
            return true
        case .commit:
            // Needed only while the log still holds batches of the transaction.
            return ongoingCommitted.remove(producerId) == nil
        }
    }

    /// A data batch was read; true when it belongs to an aborted transaction.
    mutating func onDataBatch(_ header: RecordBatchHeader) -> Bool {
        consumeAborted(upTo: header.lastOffset)
        guard header.isTransactional else { return false }
        if ongoingAborted[header.producerId] != nil {
            ongoingAborted[header.producerId]?.lastObservedBatchOffset = header.lastOffset
            return true
        }
        ongoingCommitted.insert(header.producerId)
        return false
    }

    private mutating func consumeAborted(upTo offset: Int64) {
        while nextAborted < aborted.count, aborted[nextAborted].firstOffset <= offset {
            let transaction = aborted[nextAborted]
            nextAborted += 1
            if ongoingAborted[transaction.producerId] == nil {
                ongoingAborted[transaction.producerId] = OngoingAbort(transaction: transaction)
            }
        }
    }
}

import KafkaProtocol

extension PartitionLog.State {
    /// The last stable offset: the first offset of the oldest open transaction, capped at the
    /// high watermark (Kafka's UnifiedLog.lastStableOffset).
    var lastStableOffset: Int64 {
        min(producers.firstUnstableOffset ?? highWatermark, highWatermark)
    }
}

extension PartitionLog {
    /// read_committed consumers see offsets below this.
    public var lastStableOffset: Int64 { state.withLock { $0.lastStableOffset } }

    /// The aborted transactions a read_committed fetch of [`startOffset`, `endOffset`) must
    /// report: those ending at or after the start and beginning before the end. An abort marker
    /// can be in a later segment than the transaction's data, so every segment from the one
    /// holding `startOffset` on is looked at (the entries are in memory and few).
    public func abortedTransactions(from startOffset: Int64, upTo endOffset: Int64) -> [AbortedTransaction] {
        state.withLock { state in
            let first = state.segmentIndex(for: startOffset) ?? 0
            var found: [AbortedTransaction] = []
            for segment in state.segments[first...] {
                for entry in segment.txnIndex.entries where entry.lastOffset >= startOffset && entry.firstOffset < endOffset {
                    found.append(entry)
                }
            }
            return found
        }
    }

    /// The aborted transactions whose markers lie in the segments overlapping [`from`, `to`):
    /// what the cleaner needs for the sealed segments it rewrites.
    func abortedTransactions(inSegmentsFrom from: Int64, to: Int64) -> [AbortedTransaction] {
        state.withLock { state in
            var found: [AbortedTransaction] = []
            for (index, segment) in state.segments.enumerated() where segment.baseOffset < to {
                let next = index + 1 < state.segments.count ? state.segments[index + 1].baseOffset : Int64.max
                if next > from { found += segment.txnIndex.entries }
            }
            return found
        }
    }

    /// Producers with an open transaction here, and where each began (DescribeProducers).
    public var openTransactions: [Int64: Int64] { state.withLock { $0.producers.openTransactions } }

    /// Every producer's state on this partition (DescribeProducers).
    public var producerEntries: [ProducerStateEntry] { state.withLock { Array($0.producers.producers.values) } }
}

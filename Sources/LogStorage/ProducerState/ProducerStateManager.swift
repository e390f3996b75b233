import KafkaProtocol

/// The idempotent-producer state of one partition (Kafka's ProducerStateManager and
/// ProducerAppendInfo, client origin): per producer id, its epoch and last five batches.
/// `check` decides whether a produced batch is new, a retry, or out of order; `update` records
/// it once appended. Lives in PartitionLog's state and is used under the partition's lock, so
/// the check and the append are one atomic step. Batches without a producer id cost one
/// comparison and no allocation.
///
/// Snapshots (`ProducerStateManager+Snapshot`) persist the map at an offset, so a restart
/// replays only the batches after the latest one.
public struct ProducerStateManager: Sendable {
    /// Kafka's producer.id.expiration.ms default: a day.
    public static let defaultProducerIdExpirationMs: Int64 = 86_400_000

    /// The partition directory, where snapshot files live.
    public let directory: String
    public internal(set) var producers: [Int64: ProducerStateEntry] = [:]
    /// Offsets of the snapshot files in `directory`, ascending.
    public internal(set) var snapshotOffsets: [Int64] = []
    /// Producer id → first offset of its open transaction (an index over `producers`).
    public internal(set) var openTransactions: [Int64: Int64] = [:]

    public init(directory: String) {
        self.directory = directory
    }

    public var producerCount: Int { producers.count }

    public func entry(for producerId: Int64) -> ProducerStateEntry? { producers[producerId] }

    /// Validates one batch from a client against the state after the last append. In Kafka's
    /// order: a retry of one of the last five batches (same epoch, same sequence range) is a
    /// duplicate; an epoch below the current one is fenced; a new epoch must start at sequence
    /// 0; the same epoch must continue at the last sequence + 1. A producer id with no state
    /// (new, expired, or its batches removed) may start at any sequence, as in Kafka since
    /// KIP-360, so UNKNOWN_PRODUCER_ID is never returned. Control batches (transaction markers,
    /// written by the broker itself) and coordinator batches are only checked for a fenced epoch.
    public func check(_ header: RecordBatchHeader, origin: AppendOrigin = .client) -> ProducerCheck {
        guard header.producerId >= 0, let entry = producers[header.producerId] else { return .append }
        let epoch = header.producerEpoch
        if header.isControl || origin == .coordinator {
            // A transaction marker carries no sequence: only a fenced epoch is refused.
            return epoch < entry.producerEpoch ? .error(.invalidProducerEpoch,
                "Epoch of producer \(header.producerId) in a broker-written batch is \(epoch), which is smaller than the last seen epoch \(entry.producerEpoch)") : .append
        }
        let firstSeq = header.baseSequence
        if epoch == entry.producerEpoch, let original = entry.batch(firstSequence: firstSeq, lastSequence: header.lastSequence) {
            return .duplicate(firstOffset: original.firstOffset, lastOffset: original.lastOffset, logAppendTime: original.logAppendTime)
        }
        if epoch < entry.producerEpoch {
            return .error(.invalidProducerEpoch,
                "Epoch of producer \(header.producerId) is \(epoch), which is smaller than the last seen epoch \(entry.producerEpoch)")
        }
        if epoch != entry.producerEpoch {
            if firstSeq != 0 && entry.producerEpoch != RecordBatchHeader.noProducerEpoch {
                return .error(.outOfOrderSequenceNumber,
                    "Invalid sequence number for new epoch of producer \(header.producerId): \(epoch) (request epoch), \(firstSeq) (seq. number), \(entry.producerEpoch) (current producer epoch)")
            }
        } else if entry.producerEpoch != RecordBatchHeader.noProducerEpoch,
                  !ProducerSequence.follows(entry.lastSequence, firstSeq) {
            return .error(.outOfOrderSequenceNumber,
                "Out of order sequence number for producer \(header.producerId): \(firstSeq) (incoming seq. number), \(entry.lastSequence) (current end sequence number)")
        }
        if entry.currentTxnFirstOffset != nil && !header.isTransactional {
            return .error(.invalidTxnState,
                "Expected transactional write from producer \(header.producerId), which has an open transaction")
        }
        return .append
    }

    /// Records an appended batch (client append, replication, or replay of the log on load;
    /// none of them validates here). Batches without a producer id are ignored.
    /// - Parameters:
    ///   - firstOffset: the offset assigned to the batch's first record.
    ///   - lastOffset: the offset of its last record (firstOffset + lastOffsetDelta).
    ///   - appendTimeMs: broker time of the append, for expiration.
    ///   - logAppendTime: the LogAppendTime stamped on it, -1 for CreateTime; nil reads it from
    ///     the header (right for headers read back from the log).
    ///   - controlType: for a control batch, whether its marker commits or aborts.
    /// - Returns: the transaction a marker ended, if this batch is one that ended an open one.
    @discardableResult
    public mutating func update(
        with header: RecordBatchHeader, firstOffset: Int64, lastOffset: Int64, appendTimeMs: Int64,
        logAppendTime: Int64? = nil, controlType: ControlRecordType? = nil
    ) -> CompletedTransaction? {
        guard header.producerId >= 0 else { return nil }
        let stamped = logAppendTime ?? (header.timestampType == .logAppendTime ? header.maxTimestamp : -1)
        let producerId = header.producerId
        let openBefore = producers[producerId]?.currentTxnFirstOffset
        // Modified in place through the dictionary, so the entry's batch array stays unique.
        producers[producerId, default: ProducerStateEntry(producerId: producerId, producerEpoch: header.producerEpoch, lastTimestamp: appendTimeMs)]
            .record(header, firstOffset: firstOffset, lastOffset: lastOffset, appendTimeMs: appendTimeMs, logAppendTime: stamped)
        guard header.isTransactional else { return nil }
        trackTransaction(of: producerId)
        guard header.isControl, let openBefore else { return nil }
        return CompletedTransaction(
            producerId: producerId, firstOffset: openBefore, lastOffset: lastOffset, isAborted: controlType == .abort)
    }

    /// Forgets producers idle for `producerIdExpirationMs` (none with an open transaction), as
    /// Kafka's periodic removeExpiredProducers does. Returns how many were removed.
    @discardableResult
    public mutating func expire(nowMs: Int64, producerIdExpirationMs: Int64 = defaultProducerIdExpirationMs) -> Int {
        let expired = producers.values.filter { Self.isExpired($0, nowMs: nowMs, expirationMs: producerIdExpirationMs) }
        for entry in expired { producers.removeValue(forKey: entry.producerId) }
        // Producers with an open transaction never expire, so the index needs no change.
        return expired.count
    }

    static func isExpired(_ entry: ProducerStateEntry, nowMs: Int64, expirationMs: Int64) -> Bool {
        entry.currentTxnFirstOffset == nil && nowMs - entry.lastTimestamp >= expirationMs
    }

    /// Drops all state (the partition restarts empty at some offset).
    public mutating func clear() {
        producers.removeAll()
        openTransactions.removeAll()
    }
}

extension ProducerStateEntry {
    /// Applies one appended batch: a data batch joins the last five (a new epoch first clears
    /// them); a control batch (transaction marker) closes the open transaction.
    mutating func record(
        _ header: RecordBatchHeader, firstOffset: Int64, lastOffset: Int64, appendTimeMs: Int64, logAppendTime: Int64
    ) {
        moveToEpoch(header.producerEpoch)
        lastTimestamp = appendTimeMs
        if header.isControl {
            currentTxnFirstOffset = nil
            return
        }
        add(ProducerBatchMetadata(
            firstSequence: header.baseSequence, lastSequence: header.lastSequence,
            firstOffset: firstOffset, lastOffset: lastOffset, logAppendTime: logAppendTime))
        if header.isTransactional && currentTxnFirstOffset == nil {
            currentTxnFirstOffset = firstOffset
        }
    }
}

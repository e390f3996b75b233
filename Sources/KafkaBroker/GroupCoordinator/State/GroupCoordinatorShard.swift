import KafkaProtocol

/// The group coordinator's state for one `__consumer_offsets` partition, as a value without I/O
/// (Kafka's GroupCoordinatorShard with its GroupMetadataManager and OffsetMetadataManager).
///
/// Requests go through non-mutating methods that return a response plus the records to append
/// (`CoordinatorResult`); the state changes only in `replay`, which the runtime calls for each
/// record once it is in the log, and which loading after a restart calls for the same records.
/// So live traffic and recovery run the same code.
public struct GroupCoordinatorShard: Sendable, Equatable {
    /// The `__consumer_offsets` partition this shard owns.
    public let partitionIndex: Int32
    public let config: GroupCoordinatorConfig
    public internal(set) var groups: [String: CoordinatorGroup] = [:]
    public internal(set) var offsets = OffsetStore()
    /// Offsets written inside a transaction, by producer id, until its marker commits or aborts them.
    public internal(set) var pendingTransactionalOffsets: [Int64: OffsetStore] = [:]
    /// Open transactions per group, to find pending offsets by group.
    public internal(set) var openTransactionsByGroup: [String: Set<Int64>] = [:]

    public init(partitionIndex: Int32, config: GroupCoordinatorConfig) {
        self.partitionIndex = partitionIndex
        self.config = config
    }

    /// The live group with this id; a dead group counts as absent.
    public func group(_ groupId: String) -> CoordinatorGroup? {
        guard let group = groups[groupId], !group.isDead else { return nil }
        return group
    }

    public func hasPendingTransactionalOffsets(group: String, topic: String, partition: Int32) -> Bool {
        guard let producers = openTransactionsByGroup[group] else { return false }
        return producers.contains { pendingTransactionalOffsets[$0]?.get(group: group, topic: topic, partition: partition) != nil }
    }
}

// MARK: replay

extension GroupCoordinatorShard {
    /// Applies one record read from (or just appended to) the log at `offset`. `producerId` is
    /// the batch's producer id: -1 for plain commits, the transaction's otherwise.
    public mutating func replay(_ record: CoordinatorRecord, offset: Int64, producerId: Int64 = -1) {
        switch record {
        case .offsetCommit(let key, let value?):
            // Commits outside group management create a so-called simple group.
            if group(key.group) == nil {
                groups[key.group] = .classic(ClassicGroup(groupId: key.group))
            }
            let stored = OffsetAndMetadata(recordOffset: offset, value: value)
            if producerId < 0 {
                offsets.put(group: key.group, topic: key.topic, partition: key.partition, stored)
            } else {
                pendingTransactionalOffsets[producerId, default: OffsetStore()]
                    .put(group: key.group, topic: key.topic, partition: key.partition, stored)
                openTransactionsByGroup[key.group, default: []].insert(producerId)
            }
        case .offsetCommit(let key, nil):
            offsets.remove(group: key.group, topic: key.topic, partition: key.partition)
            for producerId in openTransactionsByGroup[key.group] ?? [] {
                pendingTransactionalOffsets[producerId]?.remove(group: key.group, topic: key.topic, partition: key.partition)
            }
            dropGroupIfUnused(key.group)
        case .groupMetadata(let groupId, let value):
            replayGroupMetadata(groupId, value)
        default:
            replayConsumerGroupRecord(record)
        }
    }

    /// A classic group's metadata: applied to the live group (keeping its soft state) or to a
    /// new one; a tombstone deletes the group.
    private mutating func replayGroupMetadata(_ groupId: String, _ value: GroupMetadataValue?) {
        guard let value else {
            if case .classic? = groups[groupId] { groups[groupId] = nil }
            return
        }
        var group = groups[groupId]?.classic ?? ClassicGroup(groupId: groupId)
        group.apply(value)
        groups[groupId] = .classic(group)
    }

    /// Applies a transaction marker: commit moves the producer's pending offsets into the
    /// committed ones (unless a newer plain commit already replaced them), abort drops them.
    public mutating func replayEndTransactionMarker(producerId: Int64, committed: Bool) {
        guard let pending = pendingTransactionalOffsets.removeValue(forKey: producerId) else { return }
        var touchedGroups = Set<String>()
        pending.forEach { group, topic, partition, offset in
            touchedGroups.insert(group)
            guard committed else { return }
            // A plain commit written after the transactional one wins, as in Kafka.
            if let existing = offsets.get(group: group, topic: topic, partition: partition),
               existing.recordOffset > offset.recordOffset { return }
            offsets.put(group: group, topic: topic, partition: partition, offset)
        }
        for group in touchedGroups {
            openTransactionsByGroup[group]?.remove(producerId)
            if openTransactionsByGroup[group]?.isEmpty == true { openTransactionsByGroup[group] = nil }
            dropGroupIfUnused(group)
        }
    }

    /// A simple group exists only for its offsets; once they are gone it goes too, so replaying
    /// a compacted log (where only the tombstones remain) gives the same state as live traffic.
    private mutating func dropGroupIfUnused(_ groupId: String) {
        guard let group = groups[groupId], group.isSimpleEmptyGroup, !offsets.contains(group: groupId),
              openTransactionsByGroup[groupId]?.isEmpty ?? true
        else { return }
        groups[groupId] = nil
    }
}

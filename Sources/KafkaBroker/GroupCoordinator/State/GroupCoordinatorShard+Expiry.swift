import KafkaProtocol

/// offsets.retention.minutes (Kafka's GroupCoordinatorShard.cleanupGroupMetadata and
/// OffsetMetadataManager.cleanupExpiredOffsets): offsets expire once the retention has passed
/// since the group became empty (classic groups with a protocol) or since the commit (simple
/// groups, consumer groups, and topics a stable consumer group no longer reads); an empty
/// group whose offsets are all gone is deleted.
extension GroupCoordinatorShard {
    func expiredOffsetAndGroupRecords(now: Int64) -> [CoordinatorRecord] {
        var records: [CoordinatorRecord] = []
        for groupId in groups.keys.sorted() {
            guard let group = group(groupId) else { continue }
            if expireOffsets(group, now: now, into: &records), group.isEmpty {
                records += groupTombstones(group)
            }
        }
        return records
    }

    /// Appends tombstones for the group's expired offsets; true when none is left.
    private func expireOffsets(_ group: CoordinatorGroup, now: Int64, into records: inout [CoordinatorRecord]) -> Bool {
        guard let byTopic = offsets.topics(of: group.groupId) else { return true }
        guard let base = expirationBase(group) else { return false }
        var allExpired = true
        for (topic, partitions) in byTopic.sorted(by: { $0.key < $1.key }) {
            if isSubscribed(group, to: topic) {
                allExpired = false
                continue
            }
            for (partition, offset) in partitions.sorted(by: { $0.key < $1.key }) {
                let expired: Bool
                if let expire = offset.expireTimestampMs {
                    expired = now >= expire
                } else {
                    expired = now &- base(offset) >= config.offsetsRetentionMs
                }
                if expired && !hasPendingTransactionalOffsets(group: group.groupId, topic: topic, partition: partition) {
                    records.append(.offsetCommit(OffsetCommitKey(group: group.groupId, topic: topic, partition: partition), nil))
                } else {
                    allExpired = false
                }
            }
        }
        return allExpired && (openTransactionsByGroup[group.groupId]?.isEmpty ?? true)
    }

    /// The time retention counts from, per offset; nil when the group's offsets do not expire now
    /// (Kafka's offsetExpirationCondition).
    private func expirationBase(_ group: CoordinatorGroup) -> ((OffsetAndMetadata) -> Int64)? {
        switch group {
        case .consumer:
            return { $0.commitTimestampMs }
        case .classic(let classic):
            guard classic.protocolType != nil else { return { $0.commitTimestampMs } }
            if classic.state == .empty {
                let emptySince = classic.currentStateTimestamp
                return { emptySince ?? $0.commitTimestampMs }
            }
            if classic.protocolType == ConsumerProtocolCodec.protocolType, classic.subscribedTopics != nil, classic.state == .stable {
                return { $0.commitTimestampMs }
            }
            return nil
        }
    }
}

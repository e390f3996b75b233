import KafkaProtocol

/// KIP-848 members leaving, being fenced, and the replay of the consumer group records.
extension GroupCoordinatorShard {
    /// A heartbeat with epoch -1 (leave) or -2 (a static member leaving for a while: it keeps
    /// its place and partitions until its session expires or it rejoins).
    func consumerGroupLeave(_ request: ConsumerGroupHeartbeatRequest, topics: any TopicCatalog) throws(BrokerError) -> CoordinatorResult<ConsumerGroupHeartbeatResponse> {
        guard case .consumer(let group)? = group(request.groupId) else {
            throw BrokerError(.groupIdNotFound, "consumer group \(request.groupId) does not exist")
        }
        let response = ConsumerGroupHeartbeatResponse(errorCode: 0, memberId: request.memberId, memberEpoch: request.memberEpoch)
        let member: ConsumerGroupMember
        if let instance = request.instanceId {
            guard let existing = group.staticMember(instance) else {
                throw BrokerError(.unknownMemberId, "instance id \(instance) is unknown")
            }
            guard existing.memberId == request.memberId else {
                throw BrokerError(.fencedInstanceId, "static member \(request.memberId) with instance id \(instance) was fenced by member \(existing.memberId)")
            }
            if request.memberEpoch == ConsumerGroupMember.staticLeaveEpoch {
                var leaving = existing
                leaving.memberEpoch = ConsumerGroupMember.staticLeaveEpoch
                leaving.partitionsPendingRevocation = [:]
                return CoordinatorResult(records: [
                    .consumerGroupCurrentMemberAssignment(group: group.groupId, member: existing.memberId, leaving.assignmentValue)
                ], response: response)
            }
            member = existing
        } else {
            guard let existing = group.members[request.memberId] else {
                throw BrokerError(.unknownMemberId, "member \(request.memberId) is not in group \(group.groupId)")
            }
            member = existing
        }
        var effects = CoordinatorEffects()
        let records = fenceRecords(group, member, topics: topics, effects: &effects)
        return CoordinatorResult(records: records, response: response, effects: effects)
    }

    /// Removes a member after its session or rebalance timeout (only if still at `onlyAtEpoch`
    /// for the latter, as the timeout was set for that epoch).
    func consumerFenceRecords(
        groupId: String, memberId: String, onlyAtEpoch: Int32?, topics: any TopicCatalog, effects: inout CoordinatorEffects
    ) -> [CoordinatorRecord] {
        guard case .consumer(let group)? = group(groupId), let member = group.members[memberId] else { return [] }
        if let epoch = onlyAtEpoch, member.memberEpoch != epoch { return [] }
        return fenceRecords(group, member, topics: topics, effects: &effects)
    }

    /// Kafka's consumerGroupFenceMember: the member's records go, the subscribed topics are
    /// recomputed without it, and the group epoch moves on so the others are reassigned.
    private func fenceRecords(
        _ group: ConsumerGroup, _ member: ConsumerGroupMember, topics: any TopicCatalog, effects: inout CoordinatorEffects
    ) -> [CoordinatorRecord] {
        var records = memberTombstones(group.groupId, member.memberId)
        let remaining = subscriptionMetadata(group, replacing: member, with: nil, topics: topics)
        if remaining != group.subscriptionMetadata {
            records.append(.consumerGroupPartitionMetadata(group: group.groupId, ConsumerGroupPartitionMetadataValue(
                topics: remaining.keys.sorted().compactMap { name in
                    remaining[name].map { .init(topicId: $0.id, topicName: $0.name, numPartitions: $0.partitions) }
                })))
        }
        records.append(.consumerGroupMetadata(group: group.groupId, ConsumerGroupMetadataValue(epoch: group.groupEpoch &+ 1)))
        effects.append(cancelConsumerTimers(group.groupId, member.memberId))
        return records
    }

    /// The three tombstones that remove a member, in Kafka's order.
    func memberTombstones(_ groupId: String, _ memberId: String) -> [CoordinatorRecord] {
        [
            .consumerGroupCurrentMemberAssignment(group: groupId, member: memberId, nil),
            .consumerGroupTargetAssignmentMember(group: groupId, member: memberId, nil),
            .consumerGroupMemberMetadata(group: groupId, member: memberId, nil),
        ]
    }

    func cancelConsumerTimers(_ groupId: String, _ memberId: String) -> CoordinatorEffects {
        var effects = CoordinatorEffects()
        effects.cancel(.consumerSession(group: groupId, member: memberId))
        effects.cancel(.consumerRebalance(group: groupId, member: memberId))
        return effects
    }

    /// Replays a KIP-848 record (Kafka's replay methods for types 3-8). Value records create the
    /// group when missing, replacing a classic group without members or metadata; tombstones of
    /// an unknown group are ignored.
    mutating func replayConsumerGroupRecord(_ record: CoordinatorRecord) {
        let groupId = record.groupId
        let existing = groups[groupId]?.consumer
        guard var group = existing ?? (record.isTombstone ? nil : newConsumerGroup(groupId)) else { return }
        switch record {
        case .consumerGroupMetadata(_, let value):
            guard let value else {
                groups[groupId] = nil
                return
            }
            group.groupEpoch = value.epoch
        case .consumerGroupPartitionMetadata(_, let value):
            group.applySubscriptionMetadata(value)
        case .consumerGroupMemberMetadata(_, let member, let value):
            group.applyMemberMetadata(member: member, value)
        case .consumerGroupTargetAssignmentMetadata(_, let value):
            group.targetAssignmentEpoch = value?.assignmentEpoch ?? -1
        case .consumerGroupTargetAssignmentMember(_, let member, let value):
            group.applyTargetAssignment(member: member, value)
        case .consumerGroupCurrentMemberAssignment(_, let member, let value):
            group.applyCurrentAssignment(member: member, value)
        case .offsetCommit, .groupMetadata:
            return
        }
        groups[groupId] = .consumer(group)
    }

    private func newConsumerGroup(_ groupId: String) -> ConsumerGroup? {
        if case .classic(let classic)? = groups[groupId], !(classic.state == .empty || classic.state == .dead) {
            return nil
        }
        return ConsumerGroup(groupId: groupId)
    }
}

import KafkaProtocol

extension GroupCoordinatorShard {
    /// A timer fired (the runtime feeds expiries back as events). Every handler checks that what
    /// the timer was set for still holds, as Kafka's timer callbacks do.
    public mutating func timerExpired(
        _ key: CoordinatorTimerKey, tag: Int32, topics: any TopicCatalog, now: Int64
    ) -> CoordinatorResult<Void> {
        var out = GroupOutcome()
        switch key {
        case .classicHeartbeat(let groupId, let memberId):
            guard case .classic(var group)? = groups[groupId] else { break }
            expireHeartbeat(&group, memberId, now, &out)
            groups[groupId] = .classic(group)
        case .classicJoin(let groupId):
            guard case .classic(var group)? = groups[groupId], group.state == .preparingRebalance else { break }
            group.initialDelayExpired(config: config, now: now, out: &out)
            groups[groupId] = .classic(group)
        case .classicSync(let groupId):
            guard case .classic(var group)? = groups[groupId] else { break }
            expirePendingSync(&group, generation: tag, now, &out)
            groups[groupId] = .classic(group)
        case .consumerSession(let groupId, let memberId):
            out.records = consumerFenceRecords(groupId: groupId, memberId: memberId, onlyAtEpoch: nil, topics: topics, effects: &out.effects)
        case .consumerRebalance(let groupId, let memberId):
            out.records = consumerFenceRecords(groupId: groupId, memberId: memberId, onlyAtEpoch: tag, topics: topics, effects: &out.effects)
        case .offsetExpiration:
            out.records = expiredOffsetAndGroupRecords(now: now)
            out.effects.schedule(.offsetExpiration, afterMs: config.offsetsRetentionCheckIntervalMs)
        }
        return CoordinatorResult(records: out.records, response: (), effects: out.effects)
    }

    /// Kafka's expireClassicGroupMemberHeartbeat: a pending member that never joined goes; a
    /// member goes unless it is excused by waiting in a rebalance.
    private func expireHeartbeat(_ group: inout ClassicGroup, _ memberId: String, _ now: Int64, _ out: inout GroupOutcome) {
        guard group.state != .dead else { return }
        if group.isPendingMember(memberId) {
            group.pendingJoinMembers.remove(memberId)
            if group.state == .preparingRebalance && group.hasAllMembersJoined {
                group.completeJoin(config: config, now: now, out: &out)
            }
            return
        }
        guard let member = group.members[memberId], !member.hasSatisfiedHeartbeat else { return }
        group.removeMemberAndUpdate(memberId, config: config, now: now, out: &out)
    }

    /// Kafka's expirePendingSync: members that never sent SyncGroup for this generation go, and
    /// the group rebalances without them.
    private func expirePendingSync(_ group: inout ClassicGroup, generation: Int32, _ now: Int64, _ out: inout GroupOutcome) {
        guard generation == group.generationId,
              group.state == .completingRebalance || group.state == .stable,
              !group.pendingSyncMembers.isEmpty
        else { return }
        for memberId in group.pendingSyncMembers.sorted() {
            group.removeMember(memberId, out: &out)
        }
        group.prepareRebalance(config: config, now: now, out: &out)
    }

    /// The timers a freshly loaded shard needs (Kafka's onLoaded): every classic member's
    /// session, every consumer group member's session, the rebalance timeout of members still
    /// revoking, and the periodic offset expiration.
    public func timersAfterLoad() -> [CoordinatorTimerAction] {
        var effects = CoordinatorEffects()
        for group in groups.values {
            switch group {
            case .classic(let classic):
                for member in classic.members.values {
                    effects.schedule(.classicHeartbeat(group: classic.groupId, member: member.memberId), afterMs: Int64(member.sessionTimeoutMs))
                }
            case .consumer(let consumer):
                for member in consumer.members.values {
                    effects.schedule(
                        .consumerSession(group: consumer.groupId, member: member.memberId),
                        afterMs: Int64(config.consumerSessionTimeoutMs))
                    if member.state == .unrevokedPartitions {
                        effects.schedule(
                            .consumerRebalance(group: consumer.groupId, member: member.memberId),
                            afterMs: Int64(member.rebalanceTimeoutMs), tag: member.memberEpoch)
                    }
                }
            }
        }
        effects.schedule(.offsetExpiration, afterMs: config.offsetsRetentionCheckIntervalMs)
        return effects.timers
    }
}

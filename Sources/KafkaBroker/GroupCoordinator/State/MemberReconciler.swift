import KafkaProtocol

/// Moves a KIP-848 member toward its target assignment (Kafka's CurrentAssignmentBuilder).
/// A member first gives up partitions it must lose (staying at its epoch, UNREVOKED_PARTITIONS),
/// then moves to the target epoch and gets the partitions that are free; partitions another
/// member still owns come later (UNRELEASED_PARTITIONS). Pure: the caller turns a changed
/// member into a record.
struct MemberReconciler {
    var targetEpoch: Int32
    var target: TopicPartitionAssignment
    /// The epoch of whoever owns or is revoking a partition, -1 when free.
    var partitionEpoch: (KafkaUUID, Int32) -> Int32
    /// What the member reported owning (nil when it did not say).
    var owned: [ConsumerGroupHeartbeatRequest.TopicPartitions]?

    func reconcile(_ member: ConsumerGroupMember) throws(BrokerError) -> ConsumerGroupMember {
        switch member.state {
        case .stable:
            guard member.memberEpoch != targetEpoch else { return member }
            return next(member, epoch: member.memberEpoch)
        case .unrevokedPartitions:
            if ownsAny(of: member.partitionsPendingRevocation) { return member }
            return next(member, epoch: member.memberEpoch &+ 1)
        case .unreleasedPartitions:
            return next(member, epoch: member.memberEpoch)
        case .unknown:
            guard let owned, owned.isEmpty else {
                throw BrokerError(.fencedMemberEpoch, "the member is in an unknown state and must rejoin without partitions")
            }
            return next(member, epoch: targetEpoch)
        }
    }

    /// Whether the member still reports owning any of these partitions (not saying counts as yes).
    private func ownsAny(of partitions: TopicPartitionAssignment) -> Bool {
        guard let owned else { return true }
        return owned.contains { entry in
            guard let pending = partitions[entry.topicId] else { return false }
            return entry.partitions.contains { pending.contains($0) }
        }
    }

    private func next(_ member: ConsumerGroupMember, epoch: Int32) -> ConsumerGroupMember {
        var assigned: TopicPartitionAssignment = [:]
        var revoking: TopicPartitionAssignment = [:]
        var adding: TopicPartitionAssignment = [:]
        var unreleased = false
        for topic in Set(target.keys).union(member.assignedPartitions.keys) {
            let wanted = target[topic] ?? []
            let current = member.assignedPartitions[topic] ?? []
            let keep = current.intersection(wanted)
            let revoke = current.subtracting(keep)
            var add = wanted.subtracting(keep)
            let busy = add.filter { partitionEpoch(topic, $0) != -1 }
            if !busy.isEmpty {
                unreleased = true
                add.subtract(busy)
            }
            if !keep.isEmpty { assigned[topic] = keep }
            if !revoke.isEmpty { revoking[topic] = revoke }
            if !add.isEmpty { adding[topic] = add }
        }
        var updated = member
        if !revoking.isEmpty && ownsAny(of: revoking) {
            updated.state = .unrevokedPartitions
            updated.updateEpoch(epoch)
            updated.assignedPartitions = assigned
            updated.partitionsPendingRevocation = revoking
            return updated
        }
        for (topic, partitions) in adding { assigned[topic, default: []].formUnion(partitions) }
        updated.state = unreleased ? .unreleasedPartitions : .stable
        updated.updateEpoch(targetEpoch)
        updated.assignedPartitions = assigned
        updated.partitionsPendingRevocation = [:]
        return updated
    }
}

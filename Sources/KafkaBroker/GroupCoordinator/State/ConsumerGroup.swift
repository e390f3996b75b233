import KafkaProtocol

/// The states of a KIP-848 consumer group (Kafka's ConsumerGroup.ConsumerGroupState).
public enum ConsumerGroupState: Sendable, Equatable {
    case empty, assigning, reconciling, stable, dead

    public var name: String {
        switch self {
        case .empty: "Empty"
        case .assigning: "Assigning"
        case .reconciling: "Reconciling"
        case .stable: "Stable"
        case .dead: "Dead"
        }
    }
}

/// A subscribed topic as the group last saw it (Kafka's TopicMetadata).
public struct SubscribedTopic: Sendable, Hashable {
    public var id: KafkaUUID
    public var name: String
    public var partitions: Int32

    public init(id: KafkaUUID, name: String, partitions: Int32) {
        self.id = id
        self.name = name
        self.partitions = partitions
    }
}

/// A KIP-848 consumer group (Kafka's ConsumerGroup). All of it comes from records, and replay is
/// the only place it changes: requests compute records from it, the runtime appends and replays
/// them. The state is derived from the epochs, as in Kafka.
public struct ConsumerGroup: Sendable, Equatable {
    public let groupId: String
    public internal(set) var groupEpoch: Int32 = 0
    /// Subscribed topics by name.
    public internal(set) var subscriptionMetadata: [String: SubscribedTopic] = [:]
    public internal(set) var members: [String: ConsumerGroupMember] = [:]
    public internal(set) var targetAssignment: [String: TopicPartitionAssignment] = [:]
    /// -1 before the first target assignment (and after its tombstone).
    public internal(set) var targetAssignmentEpoch: Int32 = -1

    public init(groupId: String) { self.groupId = groupId }

    public var state: ConsumerGroupState {
        if members.isEmpty { return .empty }
        if groupEpoch > targetAssignmentEpoch { return .assigning }
        if members.values.contains(where: { !$0.isReconciled(to: targetAssignmentEpoch) }) { return .reconciling }
        return .stable
    }

    /// instance id → member id of the static members.
    public var staticMembers: [String: String] {
        var out: [String: String] = [:]
        for member in members.values { if let id = member.instanceId { out[id] = member.memberId } }
        return out
    }

    public func staticMember(_ instanceId: String) -> ConsumerGroupMember? {
        members.values.first { $0.instanceId == instanceId }
    }

    /// The epoch of the member that owns (or is revoking) a partition, -1 when free (Kafka's
    /// currentPartitionEpoch).
    public func currentPartitionEpoch(_ topic: KafkaUUID, _ partition: Int32) -> Int32 {
        for member in members.values
        where member.assignedPartitions[topic]?.contains(partition) == true
            || member.partitionsPendingRevocation[topic]?.contains(partition) == true
        {
            return member.memberEpoch
        }
        return -1
    }

    /// Every member's subscribed topic names with how many members subscribe to each.
    func subscribedTopicNames(replacing old: ConsumerGroupMember?, with new: ConsumerGroupMember?) -> [String: Int] {
        var counts: [String: Int] = [:]
        for member in members.values where member.memberId != old?.memberId {
            for name in member.subscribedTopicNames { counts[name, default: 0] += 1 }
        }
        for name in new?.subscribedTopicNames ?? [] { counts[name, default: 0] += 1 }
        return counts
    }

    /// Whether some member subscribes to the topic (offsets of such topics do not expire, and
    /// OffsetDelete refuses them).
    public func isSubscribed(to topic: String) -> Bool {
        members.values.contains { $0.subscribedTopicNames.contains(topic) }
    }

    /// The server assignor most members asked for (Kafka's computePreferredServerAssignor);
    /// ties go to the name that sorts first.
    func preferredServerAssignor(replacing old: ConsumerGroupMember?, with new: ConsumerGroupMember?) -> String? {
        var counts: [String: Int] = [:]
        for member in members.values where member.memberId != old?.memberId {
            if let name = member.serverAssignor { counts[name, default: 0] += 1 }
        }
        if let name = new?.serverAssignor { counts[name, default: 0] += 1 }
        return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }

    /// Validation of an OffsetCommit from a member (Kafka's ConsumerGroup.validateOffsetCommit).
    func validateOffsetCommit(memberId: String, memberEpoch: Int32, isTransactional: Bool, apiVersion: Int16) throws(BrokerError) {
        if memberEpoch < 0 && members.isEmpty { return }
        guard let member = members[memberId] else {
            throw BrokerError(.unknownMemberId, "member \(memberId) is not in group \(groupId)")
        }
        if !isTransactional && apiVersion < 9 {
            throw BrokerError(.unsupportedVersion, "OffsetCommit v9 or later must be used by members of consumer groups")
        }
        if memberEpoch != member.memberEpoch {
            throw BrokerError(.staleMemberEpoch, "member epoch \(memberEpoch) is not the current epoch \(member.memberEpoch)")
        }
    }

    /// Validation of an OffsetFetch that names a member (Kafka's validateOffsetFetch).
    func validateOffsetFetch(memberId: String?, memberEpoch: Int32) throws(BrokerError) {
        guard let memberId, memberEpoch >= 0 else { return }
        guard let member = members[memberId] else {
            throw BrokerError(.unknownMemberId, "member \(memberId) is not in group \(groupId)")
        }
        if memberEpoch != member.memberEpoch {
            throw BrokerError(.staleMemberEpoch, "member epoch \(memberEpoch) is not the current epoch \(member.memberEpoch)")
        }
    }
}

// MARK: replay

extension ConsumerGroup {
    mutating func applyMemberMetadata(member memberId: String, _ value: ConsumerGroupMemberMetadataValue?) {
        if let value {
            var member = members[memberId] ?? ConsumerGroupMember(memberId: memberId)
            member.apply(value)
            members[memberId] = member
        } else {
            members[memberId] = nil
        }
    }

    mutating func applyCurrentAssignment(member memberId: String, _ value: ConsumerGroupCurrentMemberAssignmentValue?) {
        if let value {
            var member = members[memberId] ?? ConsumerGroupMember(memberId: memberId)
            member.apply(value)
            members[memberId] = member
        } else if var member = members[memberId] {
            // The member is leaving; its metadata tombstone follows and removes it.
            member.memberEpoch = ConsumerGroupMember.leaveEpoch
            member.previousMemberEpoch = ConsumerGroupMember.leaveEpoch
            member.assignedPartitions = [:]
            member.partitionsPendingRevocation = [:]
            members[memberId] = member
        }
    }

    mutating func applyTargetAssignment(member memberId: String, _ value: ConsumerGroupTargetAssignmentMemberValue?) {
        targetAssignment[memberId] = value?.partitions
    }

    mutating func applySubscriptionMetadata(_ value: ConsumerGroupPartitionMetadataValue?) {
        var out: [String: SubscribedTopic] = [:]
        for topic in value?.topics ?? [] {
            out[topic.topicName] = SubscribedTopic(id: topic.topicId, name: topic.topicName, partitions: topic.numPartitions)
        }
        subscriptionMetadata = out
    }

    /// Whether a group tombstone may remove it (Kafka refuses one while members remain).
    var isDeletable: Bool { members.isEmpty && targetAssignment.isEmpty }
}

import KafkaProtocol

/// A group of either protocol: classic (JoinGroup/SyncGroup) or KIP-848 consumer
/// (ConsumerGroupHeartbeat). Callers switch on this instead of assuming a classic group.
public enum CoordinatorGroup: Sendable, Equatable {
    case classic(ClassicGroup)
    case consumer(ConsumerGroup)

    public var groupId: String {
        switch self {
        case .classic(let group): group.groupId
        case .consumer(let group): group.groupId
        }
    }

    public var isDead: Bool {
        switch self {
        case .classic(let group): group.state == .dead
        case .consumer: false
        }
    }

    /// No members (Kafka's Group.isEmpty): the group may be deleted and its offsets expire.
    public var isEmpty: Bool {
        switch self {
        case .classic(let group): group.state == .empty
        case .consumer(let group): group.state == .empty
        }
    }

    /// The state's name, as DescribeGroups and ListGroups report it.
    public var stateName: String {
        switch self {
        case .classic(let group): group.state.name
        case .consumer(let group): group.state.name
        }
    }

    /// "classic" or "consumer" (ListGroups v5 group types).
    public var typeName: String {
        switch self {
        case .classic: "classic"
        case .consumer: "consumer"
        }
    }

    /// The protocol type ListGroups reports ("" for simple groups, "consumer" for KIP-848 groups).
    public var protocolType: String {
        switch self {
        case .classic(let group): group.protocolType ?? ""
        case .consumer: ConsumerProtocolCodec.protocolType
        }
    }

    public var memberCount: Int {
        switch self {
        case .classic(let group): group.members.count
        case .consumer(let group): group.members.count
        }
    }

    /// A classic group with no members, protocol or metadata record: what an offset commit outside
    /// group management creates, and what may be dropped once it has no offsets left.
    public var isSimpleEmptyGroup: Bool {
        switch self {
        case .classic(let group): group.isSimpleGroup && group.generationId == 0
        case .consumer: false
        }
    }

    public var classic: ClassicGroup? {
        if case .classic(let group) = self { return group }
        return nil
    }

    public var consumer: ConsumerGroup? {
        if case .consumer(let group) = self { return group }
        return nil
    }

    public func validateOffsetCommit(
        memberId: String, groupInstanceId: String?, generationIdOrMemberEpoch: Int32, isTransactional: Bool,
        apiVersion: Int16 = 9
    ) throws(BrokerError) {
        switch self {
        case .classic(let group):
            try group.validateOffsetCommit(
                memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationIdOrMemberEpoch,
                isTransactional: isTransactional)
        case .consumer(let group):
            try group.validateOffsetCommit(
                memberId: memberId, memberEpoch: generationIdOrMemberEpoch, isTransactional: isTransactional,
                apiVersion: apiVersion)
        }
    }
}

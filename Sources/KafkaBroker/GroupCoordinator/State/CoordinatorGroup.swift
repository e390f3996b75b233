/// A group of any protocol. Only classic groups exist until issue 3 adds the KIP-848 consumer
/// group (and share groups); callers switch on this instead of assuming a classic group.
public enum CoordinatorGroup: Sendable, Equatable {
    case classic(ClassicGroup)

    public var groupId: String {
        switch self {
        case .classic(let group): group.groupId
        }
    }

    public var isDead: Bool {
        switch self {
        case .classic(let group): group.state == .dead
        }
    }

    /// A classic group with no members, protocol or generation: what an offset commit outside
    /// group management creates, and what may be dropped once it has no offsets left.
    public var isSimpleEmptyGroup: Bool {
        switch self {
        case .classic(let group):
            group.state == .empty && group.members.isEmpty && group.protocolType == nil && group.generationId == 0
        }
    }

    public func validateOffsetCommit(
        memberId: String, groupInstanceId: String?, generationIdOrMemberEpoch: Int32, isTransactional: Bool
    ) throws(BrokerError) {
        switch self {
        case .classic(let group):
            try group.validateOffsetCommit(
                memberId: memberId, groupInstanceId: groupInstanceId, generationId: generationIdOrMemberEpoch,
                isTransactional: isTransactional)
        }
    }
}

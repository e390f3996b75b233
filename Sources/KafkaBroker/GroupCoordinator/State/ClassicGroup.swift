import KafkaProtocol

/// The states of a classic (JoinGroup/SyncGroup) group (Kafka's ClassicGroupState).
public enum ClassicGroupState: Sendable, Equatable {
    case empty, preparingRebalance, completingRebalance, stable, dead
}

/// A member of a classic group, as far as offset commits need it. Issue 3 adds the protocol
/// metadata, assignment, session and rebalance timeouts.
public struct ClassicGroupMember: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?

    public init(memberId: String, groupInstanceId: String? = nil) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
    }
}

/// A classic group. Until JoinGroup exists (issue 3) every group is a "simple" group: created by
/// the first offset commit, empty, generation 0, no protocol type.
public struct ClassicGroup: Sendable, Equatable {
    public let groupId: String
    public var state: ClassicGroupState
    public var generationId: Int32
    public var protocolType: String?
    public var members: [String: ClassicGroupMember]
    /// group.instance.id → member id, for static members.
    public var staticMembers: [String: String]

    public init(
        groupId: String, state: ClassicGroupState = .empty, generationId: Int32 = 0, protocolType: String? = nil,
        members: [ClassicGroupMember] = []
    ) {
        self.groupId = groupId
        self.state = state
        self.generationId = generationId
        self.protocolType = protocolType
        self.members = Dictionary(members.map { ($0.memberId, $0) }, uniquingKeysWith: { _, last in last })
        self.staticMembers = Dictionary(
            members.compactMap { m in m.groupInstanceId.map { ($0, m.memberId) } }, uniquingKeysWith: { _, last in last })
    }

    /// Whether an OffsetCommit (or TxnOffsetCommit) from this member may write offsets
    /// (Kafka's ClassicGroup.validateOffsetCommit).
    public func validateOffsetCommit(
        memberId: String, groupInstanceId: String?, generationId: Int32, isTransactional: Bool
    ) throws(BrokerError) {
        if state == .dead {
            throw BrokerError(.coordinatorNotAvailable, "group \(groupId) is dead")
        }
        // Generation -1: a client outside group management (admin, manual assignment) may
        // commit while the group has no members.
        if generationId < 0 && state == .empty { return }
        if generationId >= 0 || !memberId.isEmpty || groupInstanceId != nil {
            try validateMember(memberId: memberId, groupInstanceId: groupInstanceId)
            if generationId != self.generationId {
                throw BrokerError(.illegalGeneration, "generation \(generationId) is not the group's generation \(self.generationId)")
            }
        } else if !isTransactional && state != .empty {
            // No member id and no generation (OffsetCommit v0): only an empty group accepts it.
            throw BrokerError(.unknownMemberId, "group \(groupId) has members; commits must name one")
        }
        if !isTransactional && state == .completingRebalance {
            throw BrokerError(.rebalanceInProgress, "group \(groupId) is completing a rebalance")
        }
    }

    /// A known member; a static member must also match its current member id.
    public func validateMember(memberId: String, groupInstanceId: String?) throws(BrokerError) {
        if let groupInstanceId {
            guard let current = staticMembers[groupInstanceId] else {
                throw BrokerError(.unknownMemberId, "no static member \(groupInstanceId) in group \(groupId)")
            }
            guard current == memberId else {
                throw BrokerError(.fencedInstanceId, "static member \(groupInstanceId) is now \(current), not \(memberId)")
            }
        }
        guard members[memberId] != nil else {
            throw BrokerError(.unknownMemberId, "unknown member \(memberId) in group \(groupId)")
        }
    }
}

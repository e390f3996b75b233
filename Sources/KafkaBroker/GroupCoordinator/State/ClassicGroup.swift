import KafkaProtocol
import NIOCore

/// The states of a classic (JoinGroup/SyncGroup) group (Kafka's ClassicGroupState).
public enum ClassicGroupState: Sendable, Equatable {
    case empty, preparingRebalance, completingRebalance, stable, dead

    /// The name Kafka reports in DescribeGroups and ListGroups.
    public var name: String {
        switch self {
        case .empty: "Empty"
        case .preparingRebalance: "PreparingRebalance"
        case .completingRebalance: "CompletingRebalance"
        case .stable: "Stable"
        case .dead: "Dead"
        }
    }

    /// The states a group may enter this one from (Kafka's validPreviousStates).
    var validPreviousStates: Set<ClassicGroupState> {
        switch self {
        case .empty: [.preparingRebalance]
        case .preparingRebalance: [.stable, .completingRebalance, .empty]
        case .completingRebalance: [.preparingRebalance]
        case .stable: [.completingRebalance]
        case .dead: [.empty, .preparingRebalance, .completingRebalance, .stable, .dead]
        }
    }
}

/// A classic group (Kafka's ClassicGroup).
///
/// What a GroupMetadata record stores (generation, protocol type and name, leader, members with
/// their subscription and assignment) changes through `apply(_:)`, which replay runs both for
/// live traffic and when loading. The rest (who rejoined in the current rebalance, pending
/// members, parked requests) is soft state, kept only in memory as Kafka does: a restart
/// resumes from the last stored generation and the members rejoin.
public struct ClassicGroup: Sendable, Equatable {
    public let groupId: String
    public internal(set) var state: ClassicGroupState
    public internal(set) var previousState: ClassicGroupState = .dead
    /// When the group entered its state (ms); nil when unknown (old records).
    public internal(set) var currentStateTimestamp: Int64?
    public internal(set) var generationId: Int32
    public internal(set) var protocolType: String?
    public internal(set) var protocolName: String?
    public internal(set) var leaderId: String?
    public internal(set) var members: [String: ClassicGroupMember]
    /// group.instance.id → member id, for static members.
    public internal(set) var staticMembers: [String: String]
    /// Dynamic members given an id by MEMBER_ID_REQUIRED that have not joined with it yet.
    public internal(set) var pendingJoinMembers: Set<String> = []
    /// Members of the current generation that have not sent SyncGroup yet.
    public internal(set) var pendingSyncMembers: Set<String> = []
    /// A new member joined during the initial rebalance delay, which then extends.
    public internal(set) var newMemberAdded = false
    /// The initial rebalance delay still available (Kafka's remainingMs), while one runs.
    public internal(set) var initialRebalanceRemainingMs: Int64?
    /// The last delay step of the initial rebalance.
    public internal(set) var initialRebalanceDelayMs: Int64 = 0
    /// Set once a GroupMetadata record has described the group. A group without one exists only
    /// because an offset was committed outside group management (a simple group).
    public internal(set) var hasMetadataRecord = false

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
        self.leaderId = members.first?.memberId
    }

    public var isEmptyState: Bool { state == .empty }
    public var hasMembers: Bool { !members.isEmpty }
    public func isLeader(_ memberId: String) -> Bool { leaderId == memberId }
    public func hasMember(_ memberId: String) -> Bool { members[memberId] != nil }
    public func isPendingMember(_ memberId: String) -> Bool { pendingJoinMembers.contains(memberId) }

    /// Kafka's isSimpleGroup, plus: no metadata record ever described it.
    public var isSimpleGroup: Bool {
        protocolType == nil && state == .empty && members.isEmpty && pendingJoinMembers.isEmpty && !hasMetadataRecord
    }

    public var numAwaitingJoin: Int { members.values.reduce(0) { $0 + ($1.isAwaitingJoin ? 1 : 0) } }

    /// Every member has rejoined and no pending member is still expected.
    public var hasAllMembersJoined: Bool { members.count == numAwaitingJoin && pendingJoinMembers.isEmpty }

    /// The longest rebalance timeout of its members: how long a join phase may last.
    public var rebalanceTimeoutMs: Int64 {
        Int64(members.values.map(\.rebalanceTimeoutMs).max() ?? 0)
    }

    /// Whether a rebalance may start from the current state.
    var canRebalance: Bool { ClassicGroupState.preparingRebalance.validPreviousStates.contains(state) }

    mutating func transition(to next: ClassicGroupState, now: Int64) {
        previousState = state
        state = next
        currentStateTimestamp = now
    }

    /// Members in a stable order (by id), so responses and records do not depend on hashing.
    var sortedMembers: [ClassicGroupMember] { members.values.sorted { $0.memberId < $1.memberId } }
}

// MARK: membership

extension ClassicGroup {
    mutating func add(_ member: ClassicGroupMember) {
        if let instance = member.groupInstanceId { staticMembers[instance] = member.memberId }
        if members.isEmpty { protocolType = member.protocolType }
        if leaderId == nil { leaderId = member.memberId }
        members[member.memberId] = member
        pendingJoinMembers.remove(member.memberId)
    }

    mutating func remove(_ memberId: String) {
        if let removed = members.removeValue(forKey: memberId), let instance = removed.groupInstanceId {
            staticMembers[instance] = nil
        }
        if leaderId == memberId {
            leaderId = members.keys.min()
        }
        pendingJoinMembers.remove(memberId)
        pendingSyncMembers.remove(memberId)
    }

    /// Gives a static member's place to a new member id (Kafka's replaceStaticMember); the old
    /// id's parked requests are answered FENCED_INSTANCE_ID by the caller.
    mutating func replaceStaticMember(instanceId: String, oldMemberId: String, newMemberId: String) -> ClassicGroupMember? {
        guard var member = members.removeValue(forKey: oldMemberId) else { return nil }
        member.memberId = newMemberId
        member.isAwaitingJoin = false
        member.isAwaitingSync = false
        members[newMemberId] = member
        if leaderId == oldMemberId { leaderId = newMemberId }
        staticMembers[instanceId] = newMemberId
        pendingSyncMembers.remove(oldMemberId)
        return member
    }

    /// The leader must be a member that rejoined; picks another one if it did not (Kafka's
    /// maybeElectNewJoinedLeader). False when no member rejoined at all.
    mutating func electJoinedLeader() -> Bool {
        guard let leader = leaderId, let current = members[leader] else { return false }
        if current.isAwaitingJoin { return true }
        if let next = sortedMembers.first(where: \.isAwaitingJoin) {
            leaderId = next.memberId
            return true
        }
        return false
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

// MARK: protocols

extension ClassicGroup {
    /// How many members support each protocol name.
    private var protocolSupport: [String: Int] {
        var counts: [String: Int] = [:]
        for member in members.values {
            for name in Set(member.supportedProtocols.map(\.name)) { counts[name, default: 0] += 1 }
        }
        return counts
    }

    /// Whether a member with these protocols may join (Kafka's supportsProtocols): an empty
    /// group takes any non-empty protocol list; otherwise the type must match and one of the
    /// protocols must be supported by every current member.
    public func supportsProtocols(type: String, names: Set<String>) -> Bool {
        if state == .empty { return !type.isEmpty && !names.isEmpty }
        guard protocolType == type else { return false }
        let support = protocolSupport
        return names.contains { support[$0, default: 0] == members.count }
    }

    /// The protocol every member supports that most members prefer; ties go to the name that
    /// sorts first, so the choice never depends on hashing.
    public func selectProtocol() -> String? {
        guard !members.isEmpty else { return nil }
        let support = protocolSupport
        let candidates = Set(support.filter { $0.value == members.count }.keys)
        var votes: [String: Int] = [:]
        for member in members.values {
            if let choice = member.vote(candidates) { votes[choice, default: 0] += 1 }
        }
        return votes.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
    }

    /// The topics its consumer-protocol members subscribe to, decoded from their metadata
    /// (Kafka's computeSubscribedTopics); nil when unknown.
    public var subscribedTopics: Set<String>? {
        guard protocolType == ConsumerProtocolCodec.protocolType else { return nil }
        if members.isEmpty { return [] }
        guard let protocolName else { return nil }
        var topics = Set<String>()
        for member in members.values {
            guard let metadata = member.metadata(for: protocolName),
                  let subscription = ConsumerProtocolCodec.subscription(metadata)
            else { return nil }
            topics.formUnion(subscription.topics)
        }
        return topics
    }
}

// MARK: offset commits

extension ClassicGroup {
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
}

import KafkaProtocol

/// What a coordinator operation gives: the response, the records that carry its state change
/// (Kafka's CoordinatorResult), and the effects to run once those records are in the log:
/// timers to set or cancel, and answers for requests parked earlier. If the append fails the
/// runtime discards the effects and restores the state from before the operation.
public struct CoordinatorResult<Response: Sendable>: Sendable {
    public var records: [CoordinatorRecord]
    public var response: Response
    public var effects: CoordinatorEffects

    public init(records: [CoordinatorRecord], response: Response, effects: CoordinatorEffects = CoordinatorEffects()) {
        self.records = records
        self.response = response
        self.effects = effects
    }
}

/// A response that is either ready or parked until a later operation answers it (a JoinGroup
/// waiting for the other members, a follower's SyncGroup waiting for the leader).
public enum ParkableResponse<Response: Sendable & Equatable>: Sendable, Equatable {
    case now(Response)
    /// Answered later through `CoordinatorEffects` under this member id.
    case parked(memberId: String)
}

/// An answer for a parked request of one member.
public struct ParkedAnswer<Response: Sendable & Equatable>: Sendable, Equatable {
    public var groupId: String
    public var memberId: String
    public var response: Response

    public init(groupId: String, memberId: String, response: Response) {
        self.groupId = groupId
        self.memberId = memberId
        self.response = response
    }
}

/// Side effects of an operation, run by the runtime after the records are appended.
public struct CoordinatorEffects: Sendable, Equatable {
    public var timers: [CoordinatorTimerAction] = []
    public var joinAnswers: [ParkedAnswer<JoinGroupResponse>] = []
    public var syncAnswers: [ParkedAnswer<SyncGroupResponse>] = []

    public init() {}

    public var isEmpty: Bool { timers.isEmpty && joinAnswers.isEmpty && syncAnswers.isEmpty }

    mutating func schedule(_ key: CoordinatorTimerKey, afterMs: Int64, tag: Int32 = 0) {
        timers.append(.schedule(key, afterMs: max(0, afterMs), tag: tag))
    }

    mutating func cancel(_ key: CoordinatorTimerKey) { timers.append(.cancel(key)) }

    mutating func answerJoin(_ groupId: String, _ memberId: String, _ response: JoinGroupResponse) {
        joinAnswers.append(ParkedAnswer(groupId: groupId, memberId: memberId, response: response))
    }

    mutating func answerSync(_ groupId: String, _ memberId: String, _ response: SyncGroupResponse) {
        syncAnswers.append(ParkedAnswer(groupId: groupId, memberId: memberId, response: response))
    }

    mutating func append(_ other: CoordinatorEffects) {
        timers += other.timers
        joinAnswers += other.joinAnswers
        syncAnswers += other.syncAnswers
    }
}

/// The coordinator's timers, one per key: scheduling a key again replaces its timer (Kafka's
/// CoordinatorTimer keys).
public enum CoordinatorTimerKey: Sendable, Hashable {
    /// A classic member's session (or a pending member's, or a new member's join) timeout.
    case classicHeartbeat(group: String, member: String)
    /// A classic group's join phase: the rebalance timeout, or a step of the initial delay.
    case classicJoin(group: String)
    /// A classic group's wait for every member's SyncGroup; the tag is the generation.
    case classicSync(group: String)
    /// A KIP-848 member's session timeout.
    case consumerSession(group: String, member: String)
    /// A KIP-848 member's time to revoke partitions; the tag is the member epoch it was set for.
    case consumerRebalance(group: String, member: String)
    /// The periodic offset expiration (offsets.retention.check.interval.ms).
    case offsetExpiration
}

public enum CoordinatorTimerAction: Sendable, Equatable {
    /// Fire after `afterMs`, handing `tag` back to the shard.
    case schedule(CoordinatorTimerKey, afterMs: Int64, tag: Int32)
    case cancel(CoordinatorTimerKey)
}

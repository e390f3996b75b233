import KafkaProtocol
import NIOCore

/// Records and effects collected while one operation changes a group.
struct GroupOutcome: Sendable {
    var records: [CoordinatorRecord] = []
    var effects = CoordinatorEffects()
}

/// The classic rebalance protocol (Kafka's GroupMetadataManager, classic part): preparing a
/// rebalance, completing the join phase, and handing out the leader's assignment. These change
/// the group's soft state in place and put durable changes in records, which replay applies.
extension ClassicGroup {
    /// Starts a rebalance (Kafka's prepareRebalance). The first one of an empty group waits
    /// group.initial.rebalance.delay.ms for more members, extending while members keep coming.
    mutating func prepareRebalance(config: GroupCoordinatorConfig, now: Int64, out: inout GroupOutcome) {
        if state == .completingRebalance {
            resetAndPropagateAssignment(error: .rebalanceInProgress, out: &out)
        }
        clearPendingSync(out: &out)
        let initial = state == .empty
        if initial {
            let delay = config.initialRebalanceDelayMs
            initialRebalanceDelayMs = delay
            initialRebalanceRemainingMs = max(rebalanceTimeoutMs - delay, 0)
            newMemberAdded = false
            out.effects.schedule(.classicJoin(group: groupId), afterMs: delay)
        }
        transition(to: .preparingRebalance, now: now)
        if !initial { maybeCompleteJoinElseSchedule(config: config, now: now, out: &out) }
    }

    private mutating func maybeCompleteJoinElseSchedule(config: GroupCoordinatorConfig, now: Int64, out: inout GroupOutcome) {
        if hasAllMembersJoined {
            completeJoin(config: config, now: now, out: &out)
        } else {
            initialRebalanceRemainingMs = nil
            out.effects.schedule(.classicJoin(group: groupId), afterMs: rebalanceTimeoutMs)
        }
    }

    /// Completes the join phase if everyone is back, except during the initial delay (Kafka's
    /// maybeCompleteJoinPhase).
    mutating func maybeCompleteJoinPhase(config: GroupCoordinatorConfig, now: Int64, out: inout GroupOutcome) {
        guard state == .preparingRebalance, previousState != .empty, hasAllMembersJoined else { return }
        completeJoin(config: config, now: now, out: &out)
    }

    mutating func maybePrepareRebalanceOrCompleteJoin(config: GroupCoordinatorConfig, now: Int64, out: inout GroupOutcome) {
        if canRebalance {
            prepareRebalance(config: config, now: now, out: &out)
        } else {
            maybeCompleteJoinPhase(config: config, now: now, out: &out)
        }
    }

    /// The initial delay's timer fired: wait once more if members arrived meanwhile and time
    /// remains, else complete the join (Kafka's tryCompleteInitialRebalanceElseSchedule).
    mutating func initialDelayExpired(config: GroupCoordinatorConfig, now: Int64, out: inout GroupOutcome) {
        guard let remaining = initialRebalanceRemainingMs else {
            completeJoin(config: config, now: now, out: &out)
            return
        }
        if newMemberAdded && remaining != 0 {
            newMemberAdded = false
            let delay = min(config.initialRebalanceDelayMs, remaining)
            initialRebalanceRemainingMs = max(remaining - initialRebalanceDelayMs, 0)
            initialRebalanceDelayMs = delay
            out.effects.schedule(.classicJoin(group: groupId), afterMs: delay)
        } else {
            completeJoin(config: config, now: now, out: &out)
        }
    }

    /// Ends the join phase (Kafka's completeClassicGroupJoin): dynamic members that did not
    /// rejoin are dropped, then the next generation starts with the members that did; they get
    /// their join responses (the leader with every member's metadata). An emptied group gets a
    /// record of its new, empty generation instead, which replay applies.
    mutating func completeJoin(config: GroupCoordinatorConfig, now: Int64, out: inout GroupOutcome) {
        out.effects.cancel(.classicJoin(group: groupId))
        initialRebalanceRemainingMs = nil
        for member in sortedMembers where !member.isAwaitingJoin && !member.isStatic {
            removeMember(member.memberId, out: &out)
        }
        guard state != .dead else { return }
        if !electJoinedLeader() && !members.isEmpty {
            // Nobody rejoined: wait another rebalance timeout for sessions to expire.
            out.effects.schedule(.classicJoin(group: groupId), afterMs: rebalanceTimeoutMs)
            return
        }
        pendingSyncMembers = []
        if members.isEmpty {
            out.records.append(emptyRecord(generation: generationId &+ 1, now: now))
            return
        }
        generationId &+= 1
        protocolName = selectProtocol()
        transition(to: .completingRebalance, now: now)
        let everyone = joinResponseMembers()
        // Static members that did not rejoin stay (their session decides); they are expected
        // to sync like the others.
        for member in sortedMembers {
            if member.isAwaitingJoin {
                out.effects.answerJoin(groupId, member.memberId, JoinGroupResponse(
                    errorCode: 0, generationId: generationId, protocolType: protocolType, protocolName: protocolName,
                    leader: leaderId ?? "", skipAssignment: false, memberId: member.memberId,
                    members: isLeader(member.memberId) ? everyone : []))
            }
            members[member.memberId]?.isAwaitingJoin = false
            members[member.memberId]?.isNew = false
            out.effects.schedule(.classicHeartbeat(group: groupId, member: member.memberId), afterMs: Int64(member.sessionTimeoutMs))
            pendingSyncMembers.insert(member.memberId)
        }
        out.effects.schedule(.classicSync(group: groupId), afterMs: rebalanceTimeoutMs, tag: generationId)
    }

    /// Every member with its metadata for the chosen protocol, as the leader receives them.
    func joinResponseMembers() -> [JoinGroupResponse.JoinGroupResponseMember] {
        sortedMembers.map {
            .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata(for: protocolName) ?? ByteBuffer())
        }
    }

    /// Answers parked SyncGroups with an error and forgets assignments (Kafka's
    /// resetAndPropagateAssignmentWithError).
    mutating func resetAndPropagateAssignment(error: ErrorCode, out: inout GroupOutcome) {
        for id in members.keys { members[id]?.assignment = ByteBuffer() }
        for member in sortedMembers where member.isAwaitingSync {
            out.effects.answerSync(groupId, member.memberId, SyncGroupResponse(errorCode: error.rawValue))
            members[member.memberId]?.isAwaitingSync = false
            rescheduleHeartbeat(member, out: &out)
        }
    }

    /// Answers parked SyncGroups with their assignment (Kafka's propagateAssignment); the
    /// assignments themselves are stored by replaying the record.
    mutating func propagateAssignment(_ assignments: [String: ByteBuffer], out: inout GroupOutcome) {
        for member in sortedMembers where member.isAwaitingSync {
            out.effects.answerSync(groupId, member.memberId, SyncGroupResponse(
                errorCode: 0, protocolType: protocolType, protocolName: protocolName,
                assignment: assignments[member.memberId] ?? ByteBuffer()))
            members[member.memberId]?.isAwaitingSync = false
            rescheduleHeartbeat(member, out: &out)
        }
    }

    func rescheduleHeartbeat(_ member: ClassicGroupMember, out: inout GroupOutcome) {
        out.effects.schedule(.classicHeartbeat(group: groupId, member: member.memberId), afterMs: Int64(member.sessionTimeoutMs))
    }

    mutating func clearPendingSync(out: inout GroupOutcome) {
        pendingSyncMembers = []
        out.effects.cancel(.classicSync(group: groupId))
    }

    /// A member sent its SyncGroup; the sync timer stops once nobody is missing.
    mutating func removePendingSync(_ memberId: String, out: inout GroupOutcome) {
        pendingSyncMembers.remove(memberId)
        switch state {
        case .dead, .empty, .preparingRebalance:
            out.effects.cancel(.classicSync(group: groupId))
        case .completingRebalance, .stable:
            if pendingSyncMembers.isEmpty { out.effects.cancel(.classicSync(group: groupId)) }
        }
    }

    /// Removes a member, answering its parked requests UNKNOWN_MEMBER_ID so that a client still
    /// waiting rejoins (Kafka answers the join; Petrel also answers a parked sync, which would
    /// otherwise never be answered).
    mutating func removeMember(_ memberId: String, out: inout GroupOutcome) {
        guard let member = members[memberId] else {
            pendingJoinMembers.remove(memberId)
            return
        }
        if member.isAwaitingJoin {
            out.effects.answerJoin(groupId, memberId, JoinGroupResponse(
                errorCode: ErrorCode.unknownMemberId.rawValue, memberId: ""))
        }
        if member.isAwaitingSync {
            out.effects.answerSync(groupId, memberId, SyncGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue))
        }
        out.effects.cancel(.classicHeartbeat(group: groupId, member: memberId))
        remove(memberId)
    }

    /// A failed or departed member is gone; the group rebalances or finishes its join phase
    /// (Kafka's removeMemberAndUpdateClassicGroup).
    mutating func removeMemberAndUpdate(_ memberId: String, config: GroupCoordinatorConfig, now: Int64, out: inout GroupOutcome) {
        removeMember(memberId, out: &out)
        switch state {
        case .stable, .completingRebalance:
            maybePrepareRebalanceOrCompleteJoin(config: config, now: now, out: &out)
        case .preparingRebalance where hasAllMembersJoined:
            completeJoin(config: config, now: now, out: &out)
        default:
            break
        }
    }
}

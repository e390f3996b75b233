import KafkaProtocol
import NIOCore

public typealias SyncReply = ParkableResponse<SyncGroupResponse>

extension GroupCoordinatorShard {
    /// SyncGroup (Kafka's classicGroupSyncToClassicGroup). Followers wait for the leader; the
    /// leader's assignment goes into a record, and the parked followers are answered with it.
    public mutating func syncGroup(_ request: SyncGroupRequest, now: Int64) -> CoordinatorResult<SyncReply> {
        guard case .classic(var group)? = groups[request.groupId], group.state != .empty else {
            return CoordinatorResult(records: [], response: .now(SyncGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue)))
        }
        var out = GroupOutcome()
        let reply = sync(&group, request, now, &out)
        groups[request.groupId] = .classic(group)
        return CoordinatorResult(records: out.records, response: reply, effects: out.effects)
    }

    private func sync(_ group: inout ClassicGroup, _ request: SyncGroupRequest, _ now: Int64, _ out: inout GroupOutcome) -> SyncReply {
        if let error = validateSync(group, request) {
            return .now(SyncGroupResponse(errorCode: error.rawValue))
        }
        let memberId = request.memberId
        switch group.state {
        case .preparingRebalance:
            return .now(SyncGroupResponse(errorCode: ErrorCode.rebalanceInProgress.rawValue))
        case .completingRebalance:
            group.members[memberId]?.isAwaitingSync = true
            group.removePendingSync(memberId, out: &out)
            guard group.isLeader(memberId) else { return .parked(memberId: memberId) }
            // Members the leader left out get an empty assignment, as in Kafka.
            var assignments: [String: ByteBuffer] = [:]
            for entry in request.assignments where group.hasMember(entry.memberId) {
                assignments[entry.memberId] = entry.assignment
            }
            for id in group.members.keys where assignments[id] == nil { assignments[id] = ByteBuffer() }
            out.records.append(group.metadataRecord(assignments: assignments, currentStateTimestamp: group.currentStateTimestamp))
            group.propagateAssignment(assignments, out: &out)
            return .parked(memberId: memberId)
        case .stable:
            group.removePendingSync(memberId, out: &out)
            return .now(SyncGroupResponse(
                errorCode: 0, protocolType: group.protocolType, protocolName: group.protocolName,
                assignment: group.members[memberId]?.assignment ?? ByteBuffer()))
        case .empty, .dead:
            return .now(SyncGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue))
        }
    }

    private func validateSync(_ group: ClassicGroup, _ request: SyncGroupRequest) -> ErrorCode? {
        if group.state == .dead { return .coordinatorNotAvailable }
        do {
            try group.validateMember(memberId: request.memberId, groupInstanceId: request.groupInstanceId)
        } catch {
            return error.code
        }
        if request.generationId != group.generationId { return .illegalGeneration }
        if Self.isInconsistent(request.protocolType, group.protocolType) || Self.isInconsistent(request.protocolName, group.protocolName) {
            return .inconsistentGroupProtocol
        }
        return nil
    }

    /// Both set and different (SyncGroup v5+ may name the protocol; older versions send none).
    private static func isInconsistent(_ requested: String?, _ current: String?) -> Bool {
        guard let requested, let current else { return false }
        return requested != current
    }

    /// Heartbeat (Kafka's classicGroupHeartbeatToClassicGroup): keeps the session alive and
    /// tells the member whether a rebalance is under way.
    public mutating func heartbeat(_ request: HeartbeatRequest, now: Int64) -> CoordinatorResult<HeartbeatResponse> {
        guard case .classic(let group)? = groups[request.groupId] else {
            return CoordinatorResult(records: [], response: HeartbeatResponse(errorCode: ErrorCode.unknownMemberId.rawValue))
        }
        var out = GroupOutcome()
        let code: ErrorCode
        if group.state == .dead {
            code = .coordinatorNotAvailable
        } else {
            do {
                try group.validateMember(memberId: request.memberId, groupInstanceId: request.groupInstanceId)
                if request.generationId != group.generationId {
                    code = .illegalGeneration
                } else if let member = group.members[request.memberId] {
                    switch group.state {
                    case .empty, .dead:
                        code = .unknownMemberId
                    case .preparingRebalance:
                        group.rescheduleHeartbeat(member, out: &out)
                        code = .rebalanceInProgress
                    case .completingRebalance, .stable:
                        group.rescheduleHeartbeat(member, out: &out)
                        code = .none
                    }
                } else {
                    code = .unknownMemberId
                }
            } catch {
                code = error.code
            }
        }
        return CoordinatorResult(records: [], response: HeartbeatResponse(errorCode: code.rawValue), effects: out.effects)
    }

    /// LeaveGroup (Kafka's classicGroupLeaveToClassicGroup): members leave by id, or by instance
    /// id alone (an admin removing a static member); the group then rebalances.
    public mutating func leaveGroup(_ groupId: String, members leaving: [LeaveGroupRequest.MemberIdentity], now: Int64)
        -> CoordinatorResult<LeaveGroupResponse>
    {
        guard case .classic(var group)? = groups[groupId] else {
            return CoordinatorResult(records: [], response: LeaveGroupResponse(members: leaving.map {
                .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, errorCode: ErrorCode.unknownMemberId.rawValue)
            }))
        }
        if group.state == .dead {
            return CoordinatorResult(records: [], response: LeaveGroupResponse(errorCode: ErrorCode.coordinatorNotAvailable.rawValue))
        }
        var out = GroupOutcome()
        var answers: [LeaveGroupResponse.MemberResponse] = []
        var anyLeft = false
        for identity in leaving {
            var code = ErrorCode.none
            if identity.memberId.isEmpty {
                if let instance = identity.groupInstanceId, let current = group.staticMembers[instance] {
                    group.removeMember(current, out: &out)
                } else {
                    code = .unknownMemberId
                }
            } else if group.isPendingMember(identity.memberId) {
                group.removeMember(identity.memberId, out: &out)
            } else {
                do {
                    try group.validateMember(memberId: identity.memberId, groupInstanceId: identity.groupInstanceId)
                    group.removeMember(identity.memberId, out: &out)
                } catch {
                    code = error.code
                }
            }
            if code == .none { anyLeft = true }
            answers.append(.init(memberId: identity.memberId, groupInstanceId: identity.groupInstanceId, errorCode: code.rawValue))
        }
        if anyLeft {
            switch group.state {
            case .stable, .completingRebalance:
                group.maybePrepareRebalanceOrCompleteJoin(config: config, now: now, out: &out)
            case .preparingRebalance:
                group.maybeCompleteJoinPhase(config: config, now: now, out: &out)
            case .empty, .dead:
                break
            }
        }
        groups[groupId] = .classic(group)
        return CoordinatorResult(records: out.records, response: LeaveGroupResponse(members: answers), effects: out.effects)
    }
}

import KafkaProtocol
import NIOCore

/// Who sent a JoinGroup, and the id suffix a new member would get.
public struct ClassicJoinContext: Sendable {
    public var clientId: String
    public var clientHost: String
    public var apiVersion: Int16
    /// A fresh UUID string; new member ids are `clientId-uuid` (or `instanceId-uuid`), as in Kafka.
    public var newMemberSuffix: String

    public init(clientId: String, clientHost: String, apiVersion: Int16, newMemberSuffix: String) {
        self.clientId = clientId
        self.clientHost = clientHost
        self.apiVersion = apiVersion
        self.newMemberSuffix = newMemberSuffix
    }
}

public typealias JoinReply = ParkableResponse<JoinGroupResponse>

extension GroupCoordinatorShard {
    /// The records a JoinGroup needs before it can run: a group that does not exist yet is
    /// created by its first join, through a record (Kafka's newEmptyGroupMetadataRecord), and an
    /// empty KIP-848 group of the same id is deleted first. Nil when the join can run as is.
    public func groupCreationRecords(for request: JoinGroupRequest, now: Int64) -> [CoordinatorRecord]? {
        guard request.memberId.isEmpty else { return nil }
        switch groups[request.groupId] {
        case .classic: return nil
        case .consumer(let group):
            guard group.state == .empty else { return nil }
            return consumerGroupTombstones(group) + [ClassicGroup.creationRecord(groupId: request.groupId, now: now)]
        case nil:
            return [ClassicGroup.creationRecord(groupId: request.groupId, now: now)]
        }
    }

    /// JoinGroup (Kafka's classicGroupJoinToClassicGroup). The group exists (see
    /// `groupCreationRecords`) unless the member names an id it never had.
    public mutating func joinGroup(
        _ request: JoinGroupRequest, context: ClassicJoinContext, now: Int64
    ) -> CoordinatorResult<JoinReply> {
        var out = GroupOutcome()
        let reply: JoinReply
        switch groups[request.groupId] {
        case .classic(var group):
            reply = join(&group, request, context, now, &out)
            groups[request.groupId] = .classic(group)
        case .consumer:
            // Members of KIP-848 groups use ConsumerGroupHeartbeat; mixing protocols is not supported.
            reply = .now(JoinGroupResponse(errorCode: ErrorCode.inconsistentGroupProtocol.rawValue, memberId: request.memberId))
        case nil:
            reply = .now(JoinGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue, memberId: request.memberId))
        }
        return CoordinatorResult(records: out.records, response: reply, effects: out.effects)
    }

    private func join(
        _ group: inout ClassicGroup, _ request: JoinGroupRequest, _ context: ClassicJoinContext, _ now: Int64,
        _ out: inout GroupOutcome
    ) -> JoinReply {
        let memberId = request.memberId
        guard acceptJoiningMember(group, memberId) else {
            group.removeMember(memberId, out: &out)
            return .now(JoinGroupResponse(errorCode: ErrorCode.groupMaxSizeReached.rawValue, memberId: ""))
        }
        if group.state == .dead {
            return .now(JoinGroupResponse(errorCode: ErrorCode.coordinatorNotAvailable.rawValue, memberId: memberId))
        }
        let protocols = request.protocols.map { ClassicProtocol(name: $0.name, metadata: $0.metadata) }
        guard group.supportsProtocols(type: request.protocolType, names: Set(protocols.map(\.name))) else {
            return .now(JoinGroupResponse(errorCode: ErrorCode.inconsistentGroupProtocol.rawValue, memberId: memberId))
        }
        if memberId.isEmpty {
            return joinNewMember(&group, request, protocols, context, now, &out)
        }
        return joinExistingMember(&group, request, protocols, context, now, &out)
    }

    /// Kafka's acceptJoiningMember: group.max.size counts awaiting members while preparing a
    /// rebalance (so the last ones to rejoin are the ones turned away), members otherwise.
    private func acceptJoiningMember(_ group: ClassicGroup, _ memberId: String) -> Bool {
        switch group.state {
        case .empty, .dead:
            return true
        case .preparingRebalance:
            return group.members[memberId]?.isAwaitingJoin == true || group.numAwaitingJoin < config.classicGroupMaxSize
        case .completingRebalance, .stable:
            return group.hasMember(memberId) || group.members.count < config.classicGroupMaxSize
        }
    }

    private func joinNewMember(
        _ group: inout ClassicGroup, _ request: JoinGroupRequest, _ protocols: [ClassicProtocol],
        _ context: ClassicJoinContext, _ now: Int64, _ out: inout GroupOutcome
    ) -> JoinReply {
        let newMemberId = (request.groupInstanceId ?? context.clientId) + "-" + context.newMemberSuffix
        if let instance = request.groupInstanceId {
            if let existing = group.staticMembers[instance] {
                return replaceStaticMember(&group, request, protocols, instance, existing, newMemberId, context, now, &out)
            }
            return addMember(&group, newMemberId, request, protocols, context, now, &out)
        }
        if context.apiVersion >= 4 {
            // JoinGroup v4+: the member must come back with the id it is given here.
            group.pendingJoinMembers.insert(newMemberId)
            out.effects.schedule(
                .classicHeartbeat(group: group.groupId, member: newMemberId), afterMs: Int64(request.sessionTimeoutMs))
            return .now(JoinGroupResponse(errorCode: ErrorCode.memberIdRequired.rawValue, memberId: newMemberId))
        }
        return addMember(&group, newMemberId, request, protocols, context, now, &out)
    }

    private func joinExistingMember(
        _ group: inout ClassicGroup, _ request: JoinGroupRequest, _ protocols: [ClassicProtocol],
        _ context: ClassicJoinContext, _ now: Int64, _ out: inout GroupOutcome
    ) -> JoinReply {
        let memberId = request.memberId
        if group.isPendingMember(memberId) {
            // Pending members are dynamic: they got their id from MEMBER_ID_REQUIRED.
            guard request.groupInstanceId == nil else {
                return .now(JoinGroupResponse(errorCode: ErrorCode.invalidRequest.rawValue, memberId: memberId))
            }
            return addMember(&group, memberId, request, protocols, context, now, &out)
        }
        do {
            try group.validateMember(memberId: memberId, groupInstanceId: request.groupInstanceId)
        } catch {
            return .now(JoinGroupResponse(errorCode: error.code.rawValue, protocolName: nil, memberId: memberId))
        }
        guard let member = group.members[memberId] else {
            return .now(JoinGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue, memberId: memberId))
        }
        switch group.state {
        case .preparingRebalance:
            return updateMemberAndRebalance(&group, member, request, protocols, now, &out)
        case .completingRebalance:
            if member.matches(protocols) {
                // The same member again (it may have missed its response): the current generation.
                return .now(currentGenerationResponse(group, memberId, members: group.isLeader(memberId)))
            }
            return updateMemberAndRebalance(&group, member, request, protocols, now, &out)
        case .stable:
            // The leader's rejoin always rebalances: it may have seen a change that affects the
            // assignment but not its metadata (new partitions, for instance).
            if group.isLeader(memberId) || !member.matches(protocols) {
                return updateMemberAndRebalance(&group, member, request, protocols, now, &out)
            }
            return .now(currentGenerationResponse(group, memberId, members: false))
        case .empty, .dead:
            return .now(JoinGroupResponse(errorCode: ErrorCode.unknownMemberId.rawValue, memberId: memberId))
        }
    }

    private func currentGenerationResponse(_ group: ClassicGroup, _ memberId: String, members: Bool) -> JoinGroupResponse {
        JoinGroupResponse(
            errorCode: 0, generationId: group.generationId, protocolType: group.protocolType, protocolName: group.protocolName,
            leader: group.leaderId ?? "", skipAssignment: false, memberId: memberId,
            members: members ? group.joinResponseMembers() : [])
    }

    /// A member rejoins with (possibly) new protocols and timeouts; its join is parked.
    private func updateMemberAndRebalance(
        _ group: inout ClassicGroup, _ member: ClassicGroupMember, _ request: JoinGroupRequest,
        _ protocols: [ClassicProtocol], _ now: Int64, _ out: inout GroupOutcome
    ) -> JoinReply {
        var updated = member
        updated.supportedProtocols = protocols
        updated.rebalanceTimeoutMs = request.rebalanceTimeoutMs
        updated.sessionTimeoutMs = request.sessionTimeoutMs
        updated.isAwaitingJoin = true
        group.members[member.memberId] = updated
        group.maybePrepareRebalanceOrCompleteJoin(config: config, now: now, out: &out)
        return .parked(memberId: member.memberId)
    }

    /// A new member enters the group and the group rebalances (Kafka's
    /// addMemberThenRebalanceOrCompleteJoin). Its parked join may wait at most
    /// `newMemberJoinTimeoutMs`, since a parked client cannot heartbeat.
    private func addMember(
        _ group: inout ClassicGroup, _ memberId: String, _ request: JoinGroupRequest, _ protocols: [ClassicProtocol],
        _ context: ClassicJoinContext, _ now: Int64, _ out: inout GroupOutcome
    ) -> JoinReply {
        var member = ClassicGroupMember(
            memberId: memberId, groupInstanceId: request.groupInstanceId, clientId: context.clientId,
            clientHost: context.clientHost, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
            sessionTimeoutMs: request.sessionTimeoutMs, protocolType: request.protocolType, supportedProtocols: protocols)
        member.isNew = true
        member.isAwaitingJoin = true
        if group.state == .preparingRebalance && group.previousState == .empty { group.newMemberAdded = true }
        group.add(member)
        out.effects.schedule(.classicHeartbeat(group: group.groupId, member: memberId), afterMs: config.newMemberJoinTimeoutMs)
        group.maybePrepareRebalanceOrCompleteJoin(config: config, now: now, out: &out)
        return .parked(memberId: memberId)
    }

    /// A static member restarted (unknown member id, known instance id): it takes its old
    /// place under a new id, and the old id is fenced. In a stable group whose protocol does not
    /// change, this needs no rebalance: the group is stored with the new id and the member gets
    /// the current generation (Kafka's updateStaticMemberThenRebalanceOrCompleteJoin).
    private func replaceStaticMember(
        _ group: inout ClassicGroup, _ request: JoinGroupRequest, _ protocols: [ClassicProtocol], _ instance: String,
        _ oldMemberId: String, _ newMemberId: String, _ context: ClassicJoinContext, _ now: Int64,
        _ out: inout GroupOutcome
    ) -> JoinReply {
        let previousLeader = group.leaderId
        if group.members[oldMemberId]?.isAwaitingJoin == true {
            out.effects.answerJoin(group.groupId, oldMemberId, JoinGroupResponse(
                errorCode: ErrorCode.fencedInstanceId.rawValue, protocolName: nil, leader: "", memberId: oldMemberId))
        }
        if group.members[oldMemberId]?.isAwaitingSync == true {
            out.effects.answerSync(group.groupId, oldMemberId, SyncGroupResponse(errorCode: ErrorCode.fencedInstanceId.rawValue))
        }
        out.effects.cancel(.classicHeartbeat(group: group.groupId, member: oldMemberId))
        guard var member = group.replaceStaticMember(instanceId: instance, oldMemberId: oldMemberId, newMemberId: newMemberId) else {
            return .now(JoinGroupResponse(errorCode: ErrorCode.unknownServerError.rawValue, memberId: ""))
        }
        member.supportedProtocols = protocols
        member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
        member.sessionTimeoutMs = request.sessionTimeoutMs
        member.isAwaitingJoin = true
        group.members[newMemberId] = member
        group.rescheduleHeartbeat(member, out: &out)
        switch group.state {
        case .stable:
            guard group.protocolName == group.selectProtocol() else {
                group.maybePrepareRebalanceOrCompleteJoin(config: config, now: now, out: &out)
                return .parked(memberId: newMemberId)
            }
            group.members[newMemberId]?.isAwaitingJoin = false
            let assignments = group.members.mapValues(\.assignment)
            out.records.append(group.metadataRecord(assignments: assignments, currentStateTimestamp: group.currentStateTimestamp))
            let isLeader = group.isLeader(newMemberId)
            if context.apiVersion >= 9 {
                // v9: the leader learns it leads but keeps the current assignment (skipAssignment).
                return .now(JoinGroupResponse(
                    errorCode: 0, generationId: group.generationId, protocolType: group.protocolType,
                    protocolName: group.protocolName, leader: group.leaderId ?? "", skipAssignment: isLeader,
                    memberId: newMemberId, members: isLeader ? group.joinResponseMembers() : []))
            }
            // Older clients are told the previous leader id, so a returning leader does not
            // assign again.
            return .now(JoinGroupResponse(
                errorCode: 0, generationId: group.generationId, protocolType: group.protocolType,
                protocolName: group.protocolName, leader: previousLeader ?? "", skipAssignment: false, memberId: newMemberId))
        case .completingRebalance:
            // The leader may already be assigning with the old id: rebalance again.
            group.prepareRebalance(config: config, now: now, out: &out)
            return .parked(memberId: newMemberId)
        case .preparingRebalance:
            group.maybeCompleteJoinPhase(config: config, now: now, out: &out)
            return .parked(memberId: newMemberId)
        case .empty, .dead:
            return .now(JoinGroupResponse(errorCode: ErrorCode.unknownServerError.rawValue, memberId: ""))
        }
    }
}

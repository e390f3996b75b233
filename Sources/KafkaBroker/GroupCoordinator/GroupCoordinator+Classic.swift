import KafkaProtocol
import NIOCore

/// The classic protocol's entry points. JoinGroup and SyncGroup may park: they return a future
/// that a later operation (another member's join, the leader's sync, a timer) completes.
extension GroupCoordinator {
    public func joinGroup(
        _ request: JoinGroupRequest, context: ClassicJoinContext, eventLoop: any EventLoop
    ) -> EventLoopFuture<JoinGroupResponse> {
        if let error = validateJoin(request) {
            return eventLoop.makeSucceededFuture(JoinGroupResponse(errorCode: error.rawValue, memberId: request.memberId))
        }
        guard let shard = shard(for: request.groupId) else {
            return eventLoop.makeSucceededFuture(JoinGroupResponse(errorCode: ErrorCode.notCoordinator.rawValue, memberId: request.memberId))
        }
        let promise = eventLoop.makePromise(of: JoinGroupResponse.self)
        do {
            // A new group is created by a record of its own before the join runs on it.
            _ = try shard.write { (state: inout GroupCoordinatorShard, _: any TopicCatalog, now: Int64) throws(BrokerError) in
                CoordinatorResult(records: state.groupCreationRecords(for: request, now: now) ?? [], response: ())
            }
            let reply = try shard.write(
                group: request.groupId,
                { (state: inout GroupCoordinatorShard, _: any TopicCatalog, now: Int64) throws(BrokerError) in
                    state.joinGroup(request, context: context, now: now)
                },
                park: { reply, parked in
                    if case .parked(let memberId) = reply { parked.parkJoin(group: request.groupId, member: memberId, promise) }
                })
            if case .now(let response) = reply { promise.succeed(response) }
        } catch {
            promise.succeed(JoinGroupResponse(errorCode: error.code.rawValue, memberId: request.memberId))
        }
        return promise.futureResult
    }

    /// Kafka's GroupCoordinatorService checks before the shard sees a join.
    private func validateJoin(_ request: JoinGroupRequest) -> ErrorCode? {
        if request.groupId.isEmpty { return .invalidGroupId }
        if request.groupId.utf8.count > CoordinatorRecordSerde.maxStringBytes { return .invalidGroupId }
        if request.sessionTimeoutMs < config.minSessionTimeoutMs || request.sessionTimeoutMs > config.maxSessionTimeoutMs {
            return .invalidSessionTimeout
        }
        return nil
    }

    public func syncGroup(_ request: SyncGroupRequest, eventLoop: any EventLoop) -> EventLoopFuture<SyncGroupResponse> {
        if request.groupId.isEmpty {
            return eventLoop.makeSucceededFuture(SyncGroupResponse(errorCode: ErrorCode.invalidGroupId.rawValue))
        }
        guard let shard = shard(for: request.groupId) else {
            return eventLoop.makeSucceededFuture(SyncGroupResponse(errorCode: ErrorCode.notCoordinator.rawValue))
        }
        let promise = eventLoop.makePromise(of: SyncGroupResponse.self)
        do {
            let reply = try shard.write(
                group: request.groupId,
                { (state: inout GroupCoordinatorShard, _: any TopicCatalog, now: Int64) throws(BrokerError) in
                    state.syncGroup(request, now: now)
                },
                park: { reply, parked in
                    if case .parked(let memberId) = reply { parked.parkSync(group: request.groupId, member: memberId, promise) }
                })
            if case .now(let response) = reply { promise.succeed(response) }
        } catch {
            promise.succeed(SyncGroupResponse(errorCode: error.code.rawValue))
        }
        return promise.futureResult
    }

    public func heartbeat(_ request: HeartbeatRequest) -> HeartbeatResponse {
        if request.groupId.isEmpty { return HeartbeatResponse(errorCode: ErrorCode.invalidGroupId.rawValue) }
        guard let shard = shard(for: request.groupId) else {
            return HeartbeatResponse(errorCode: ErrorCode.notCoordinator.rawValue)
        }
        do {
            return try shard.write { (state: inout GroupCoordinatorShard, _: any TopicCatalog, now: Int64) throws(BrokerError) in
                state.heartbeat(request, now: now)
            }
        } catch {
            // Kafka answers heartbeats blindly while the coordinator loads.
            return HeartbeatResponse(errorCode: error.code == .coordinatorLoadInProgress ? 0 : error.code.rawValue)
        }
    }

    public func leaveGroup(_ groupId: String, members: [LeaveGroupRequest.MemberIdentity]) -> LeaveGroupResponse {
        if groupId.isEmpty { return LeaveGroupResponse(errorCode: ErrorCode.invalidGroupId.rawValue) }
        guard let shard = shard(for: groupId) else {
            return LeaveGroupResponse(errorCode: ErrorCode.notCoordinator.rawValue)
        }
        do {
            return try shard.write(group: groupId) { (state: inout GroupCoordinatorShard, _: any TopicCatalog, now: Int64) throws(BrokerError) in
                state.leaveGroup(groupId, members: members, now: now)
            }
        } catch {
            return LeaveGroupResponse(errorCode: error.code.rawValue)
        }
    }
}

import KafkaProtocol

/// SyncGroup v0-v5. Followers are parked until the leader's SyncGroup stores the assignment;
/// the leader is answered once its assignment is in the log. v5 may name the protocol type and
/// name, which must match the group's.
struct SyncGroupHandler: ApiHandler {
    typealias Request = SyncGroupRequest
    let versions: ClosedRange<Int16> = 0...5
    let groups: GroupCoordinator

    func handle(_ request: SyncGroupRequest, context: RequestContext) -> HandlerResult<SyncGroupResponse> {
        .later(groups.syncGroup(request, eventLoop: context.eventLoop))
    }
}

import KafkaProtocol

/// Heartbeat v0-v4: keeps a classic member's session alive; REBALANCE_IN_PROGRESS tells it to
/// rejoin.
struct HeartbeatHandler: ApiHandler {
    typealias Request = HeartbeatRequest
    let versions: ClosedRange<Int16> = 0...4
    let groups: GroupCoordinator

    func handle(_ request: HeartbeatRequest, context: RequestContext) -> HandlerResult<HeartbeatResponse> {
        .respond(groups.heartbeat(request))
    }
}

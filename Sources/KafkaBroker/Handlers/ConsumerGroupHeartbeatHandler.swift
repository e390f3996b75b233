import KafkaProtocol

/// ConsumerGroupHeartbeat v0-v1 (KIP-848): joins, heartbeats and leaves of consumer-protocol
/// members, with server-side assignment. v1 adds topic regex subscriptions; v1 clients
/// generate their own member id (KIP-1082), for v0 the coordinator does.
struct ConsumerGroupHeartbeatHandler: ApiHandler {
    typealias Request = ConsumerGroupHeartbeatRequest
    let versions: ClosedRange<Int16> = 0...1
    let groups: GroupCoordinator

    func handle(_ request: ConsumerGroupHeartbeatRequest, context: RequestContext) -> HandlerResult<ConsumerGroupHeartbeatResponse> {
        let heartbeat = ConsumerHeartbeatContext(
            clientId: context.clientId, clientHost: ClientHost.from(address: context.clientAddress),
            newMemberId: KafkaUUID.random().base64)
        return .respond(groups.consumerGroupHeartbeat(request, context: heartbeat))
    }
}

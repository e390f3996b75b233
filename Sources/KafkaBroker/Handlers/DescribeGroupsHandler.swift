import KafkaProtocol

/// DescribeGroups v0-v5 for classic groups: state, protocol and members (with their metadata
/// and assignment while Stable). Unknown groups are reported Dead, as Kafka does. Without ACLs
/// every group operation is allowed, which v3+ reports when asked.
struct DescribeGroupsHandler: ApiHandler {
    typealias Request = DescribeGroupsRequest
    let versions: ClosedRange<Int16> = 0...5
    let groups: GroupCoordinator

    /// READ (3), DELETE (6), DESCRIBE (8): the operations on a group (Kafka's AclOperation bits).
    static let allGroupOperations: Int32 = (1 << 3) | (1 << 6) | (1 << 8)

    func handle(_ request: DescribeGroupsRequest, context: RequestContext) -> HandlerResult<DescribeGroupsResponse> {
        var described = groups.describeGroups(request.groups)
        if context.apiVersion >= 3 && request.includeAuthorizedOperations {
            for index in described.indices where described[index].errorCode == 0 {
                described[index].authorizedOperations = Self.allGroupOperations
            }
        }
        return .respond(DescribeGroupsResponse(groups: described))
    }
}

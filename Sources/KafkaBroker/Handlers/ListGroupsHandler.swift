import KafkaProtocol

/// ListGroups v0-v5: every group of every loaded shard, filtered by state (v4+,
/// case-insensitive) and type (v5+, "classic" or "consumer").
struct ListGroupsHandler: ApiHandler {
    typealias Request = ListGroupsRequest
    let versions: ClosedRange<Int16> = 0...5
    let groups: GroupCoordinator

    func handle(_ request: ListGroupsRequest, context: RequestContext) -> HandlerResult<ListGroupsResponse> {
        let states = context.apiVersion >= 4 ? request.statesFilter : []
        let types = context.apiVersion >= 5 ? request.typesFilter : []
        return .respond(groups.listGroups(statesFilter: states, typesFilter: types))
    }
}

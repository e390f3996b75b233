import KafkaProtocol

/// DeleteGroups v0-v2: empty groups are deleted with their offsets (tombstones);
/// NON_EMPTY_GROUP for groups with members, GROUP_ID_NOT_FOUND for unknown ones.
struct DeleteGroupsHandler: ApiHandler {
    typealias Request = DeleteGroupsRequest
    let versions: ClosedRange<Int16> = 0...2
    let groups: GroupCoordinator

    func handle(_ request: DeleteGroupsRequest, context: RequestContext) -> HandlerResult<DeleteGroupsResponse> {
        .respond(DeleteGroupsResponse(results: groups.deleteGroups(request.groupsNames)))
    }
}

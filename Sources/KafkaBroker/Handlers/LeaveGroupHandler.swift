import KafkaProtocol

/// LeaveGroup v0-v5. v3+ batches members (by member id, or by instance id alone to remove a
/// static member); v0-v2 carry one member id and report its error at the top level, as Kafka's
/// LeaveGroupResponse does for them.
struct LeaveGroupHandler: ApiHandler {
    typealias Request = LeaveGroupRequest
    let versions: ClosedRange<Int16> = 0...5
    let groups: GroupCoordinator

    func handle(_ request: LeaveGroupRequest, context: RequestContext) -> HandlerResult<LeaveGroupResponse> {
        .respond(response(to: request, version: context.apiVersion))
    }

    func response(to request: LeaveGroupRequest, version: Int16) -> LeaveGroupResponse {
        let members = version >= 3 ? request.members : [LeaveGroupRequest.MemberIdentity(memberId: request.memberId)]
        let response = groups.leaveGroup(request.groupId, members: members)
        guard version < 3 else { return response }
        let memberError = response.members.first { $0.errorCode != 0 }?.errorCode ?? 0
        return LeaveGroupResponse(errorCode: response.errorCode != 0 ? response.errorCode : memberError)
    }
}

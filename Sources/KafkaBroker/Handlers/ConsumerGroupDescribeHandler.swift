import KafkaProtocol

/// ConsumerGroupDescribe v0 (KIP-848): a consumer group's epochs, assignor and members with
/// their current and target assignments. Other groups answer GROUP_ID_NOT_FOUND.
struct ConsumerGroupDescribeHandler: ApiHandler {
    typealias Request = ConsumerGroupDescribeRequest
    let versions: ClosedRange<Int16> = 0...0
    let groups: GroupCoordinator

    func handle(_ request: ConsumerGroupDescribeRequest, context: RequestContext) -> HandlerResult<ConsumerGroupDescribeResponse> {
        var described = groups.consumerGroupDescribe(request.groupIds)
        if request.includeAuthorizedOperations {
            for index in described.indices where described[index].errorCode == 0 {
                described[index].authorizedOperations = DescribeGroupsHandler.allGroupOperations
            }
        }
        return .respond(ConsumerGroupDescribeResponse(groups: described))
    }
}

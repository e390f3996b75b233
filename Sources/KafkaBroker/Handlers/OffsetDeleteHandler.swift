import KafkaProtocol

/// OffsetDelete v0: removes a group's offsets for topics it does not consume
/// (GROUP_SUBSCRIBED_TO_TOPIC for those it does).
struct OffsetDeleteHandler: ApiHandler {
    typealias Request = OffsetDeleteRequest
    let versions: ClosedRange<Int16> = 0...0
    let groups: GroupCoordinator

    func handle(_ request: OffsetDeleteRequest, context: RequestContext) -> HandlerResult<OffsetDeleteResponse> {
        .respond(groups.deleteOffsets(request))
    }
}

import KafkaProtocol

/// OffsetFetch v0-v9. v8+ asks for several groups at once; older versions carry one group at
/// the top level, and its error goes in the top-level error code (v2+) or, before v2, on every
/// requested partition. Null topics (v2+) ask for every committed offset of the group.
/// `require_stable` (v7+) is honoured: partitions with an open transactional commit answer
/// UNSTABLE_OFFSET_COMMIT. Unknown groups and partitions answer offset -1 without error.
struct OffsetFetchHandler: ApiHandler {
    typealias Request = OffsetFetchRequest
    let versions: ClosedRange<Int16> = 0...9
    let groups: GroupCoordinator

    func handle(_ request: OffsetFetchRequest, context: RequestContext) -> HandlerResult<OffsetFetchResponse> {
        .respond(response(to: request, version: context.apiVersion))
    }

    func response(to request: OffsetFetchRequest, version: Int16) -> OffsetFetchResponse {
        let requireStable = version >= 7 && request.requireStable
        if version >= 8 {
            return OffsetFetchResponse(groups: request.groups.map { groups.fetchOffsets($0, requireStable: requireStable) })
        }
        let single = OffsetFetchRequest.OffsetFetchRequestGroup(
            groupId: request.groupId,
            topics: request.topics?.map { .init(name: $0.name, partitionIndexes: $0.partitionIndexes) })
        let answer = groups.fetchOffsets(single, requireStable: requireStable)
        if version < 2 && answer.errorCode != 0 {
            return OffsetFetchResponse(topics: (request.topics ?? []).map { topic in
                .init(name: topic.name, partitions: topic.partitionIndexes.map {
                    .init(partitionIndex: $0, committedOffset: -1, committedLeaderEpoch: -1, metadata: "", errorCode: answer.errorCode)
                })
            })
        }
        let topics = answer.topics.map { topic in
            OffsetFetchResponse.OffsetFetchResponseTopic(name: topic.name, partitions: topic.partitions.map {
                .init(
                    partitionIndex: $0.partitionIndex, committedOffset: $0.committedOffset,
                    committedLeaderEpoch: $0.committedLeaderEpoch, metadata: $0.metadata, errorCode: $0.errorCode)
            })
        }
        return OffsetFetchResponse(topics: topics, errorCode: answer.errorCode)
    }
}

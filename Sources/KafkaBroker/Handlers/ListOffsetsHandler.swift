import KafkaProtocol

/// ListOffsets: latest (-1, the high watermark, or the last stable offset for read_committed),
/// earliest (-2, the log start), max timestamp (-3), earliest local (-4), and by timestamp
/// through the time index; nothing at or above the latest offset is ever returned.
struct ListOffsetsHandler: ApiHandler {
    typealias Request = ListOffsetsRequest
    let versions: ClosedRange<Int16> = 0...9
    let topics: TopicRegistry

    static let latest: Int64 = -1
    static let earliest: Int64 = -2
    static let maxTimestamp: Int64 = -3
    static let earliestLocal: Int64 = -4
    static let latestTiered: Int64 = -5

    func handle(_ request: ListOffsetsRequest, context: RequestContext) -> HandlerResult<ListOffsetsResponse> {
        var response = ListOffsetsResponse()
        for topic in request.topics {
            var topicResponse = ListOffsetsResponse.ListOffsetsTopicResponse(name: topic.name)
            for requested in topic.partitions {
                var result = ListOffsetsResponse.ListOffsetsPartitionResponse(
                    partitionIndex: requested.partitionIndex, timestamp: -1, offset: -1, leaderEpoch: -1)
                switch topics.leader(topic: topic.name, index: requested.partitionIndex) {
                case .success(let partition):
                    lookup(requested, in: partition, isolation: request.isolationLevel, into: &result)
                case .failure(let error):
                    result.errorCode = error.code.rawValue
                }
                if context.apiVersion == 0 {
                    result.oldStyleOffsets = result.errorCode == 0 ? [result.offset] : []
                }
                topicResponse.partitions.append(result)
            }
            response.topics.append(topicResponse)
        }
        return .respond(response)
    }

    private func lookup(
        _ requested: ListOffsetsRequest.ListOffsetsPartition, in partition: Partition, isolation: Int8,
        into result: inout ListOffsetsResponse.ListOffsetsPartitionResponse
    ) {
        let epoch = partition.leaderEpoch
        if requested.currentLeaderEpoch >= 0 && requested.currentLeaderEpoch != epoch {
            result.errorCode =
                (requested.currentLeaderEpoch < epoch ? ErrorCode.fencedLeaderEpoch : .unknownLeaderEpoch).rawValue
            return
        }
        let log = partition.log
        // Kafka's Partition.fetchOffset: read_committed clients see up to the last stable offset.
        let fetchable = isolation == 1 ? log.lastStableOffset : log.highWatermark
        switch requested.timestamp {
        case Self.latest:
            result.offset = fetchable
            result.leaderEpoch = epoch
        case Self.earliest, Self.earliestLocal:
            result.offset = log.logStartOffset
            result.leaderEpoch = log.epoch(containing: log.logStartOffset) ?? epoch
        case Self.latestTiered:
            result.offset = -1
        case Self.maxTimestamp:
            if let found = try? log.maxTimestampAndOffset(), found.offset < fetchable {
                result.offset = found.offset
                result.timestamp = found.timestamp
                result.leaderEpoch = log.epoch(containing: found.offset) ?? epoch
            }
        default:
            if let found = try? log.offset(forTimestamp: requested.timestamp), found.offset < fetchable {
                result.offset = found.offset
                result.timestamp = found.timestamp
                result.leaderEpoch = log.epoch(containing: found.offset) ?? epoch
            }
        }
    }
}

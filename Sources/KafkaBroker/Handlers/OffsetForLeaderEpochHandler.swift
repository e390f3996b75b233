import KafkaProtocol

/// OffsetForLeaderEpoch: the end offset of a leader epoch, from the log's epoch cache, so a
/// consumer or a returning replica can detect and truncate divergent data (KIP-101, KIP-320).
struct OffsetForLeaderEpochHandler: ApiHandler {
    typealias Request = OffsetForLeaderEpochRequest
    let versions: ClosedRange<Int16> = 0...4
    let topics: TopicRegistry

    func handle(_ request: OffsetForLeaderEpochRequest, context: RequestContext) -> HandlerResult<OffsetForLeaderEpochResponse> {
        var response = OffsetForLeaderEpochResponse()
        for topic in request.topics {
            var result = OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult(topic: topic.topic)
            for requested in topic.partitions {
                var entry = OffsetForLeaderEpochResponse.EpochEndOffset(
                    errorCode: 0, partition: requested.partition, leaderEpoch: -1, endOffset: -1)
                switch topics.leader(topic: topic.topic, index: requested.partition) {
                case .success(let partition):
                    let current = partition.leaderEpoch
                    if requested.currentLeaderEpoch >= 0 && requested.currentLeaderEpoch < current {
                        entry.errorCode = ErrorCode.fencedLeaderEpoch.rawValue
                    } else if requested.currentLeaderEpoch > current {
                        entry.errorCode = ErrorCode.unknownLeaderEpoch.rawValue
                    } else {
                        let found = partition.log.endOffset(forLeaderEpoch: requested.leaderEpoch)
                        entry.leaderEpoch = found.epoch
                        entry.endOffset = found.offset
                    }
                case .failure(let error):
                    entry.errorCode = error.code.rawValue
                }
                result.partitions.append(entry)
            }
            response.topics.append(result)
        }
        return .respond(response)
    }
}

import KafkaProtocol

/// DeleteRecords: moves the log start offset forward (-1 means the high watermark).
struct DeleteRecordsHandler: ApiHandler {
    typealias Request = DeleteRecordsRequest
    let versions: ClosedRange<Int16> = 0...2
    let topics: TopicRegistry

    func handle(_ request: DeleteRecordsRequest, context: RequestContext) -> HandlerResult<DeleteRecordsResponse> {
        var response = DeleteRecordsResponse()
        for topic in request.topics {
            var result = DeleteRecordsResponse.DeleteRecordsTopicResult(name: topic.name)
            for requested in topic.partitions {
                var entry = DeleteRecordsResponse.DeleteRecordsPartitionResult(
                    partitionIndex: requested.partitionIndex, lowWatermark: -1, errorCode: 0)
                switch topics.leader(topic: topic.name, index: requested.partitionIndex) {
                case .success(let partition):
                    let hw = partition.highWatermark
                    let target = requested.offset == -1 ? hw : requested.offset
                    if target < 0 || target > hw {
                        entry.errorCode = ErrorCode.offsetOutOfRange.rawValue
                    } else {
                        do {
                            entry.lowWatermark = try partition.log.deleteRecords(before: target)
                        } catch {
                            entry.errorCode = error.code.rawValue
                        }
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

import KafkaProtocol

/// DeleteTopics: by name (v0-v5 names, v6 names or ids) and by topic id (v6).
struct DeleteTopicsHandler: AsyncApiHandler {
    typealias Request = DeleteTopicsRequest
    let versions: ClosedRange<Int16> = 0...6
    let topics: TopicRegistry
    let deletionEnabled: Bool

    func handle(_ request: DeleteTopicsRequest, context: RequestContext) async -> DeleteTopicsResponse {
        let wanted: [(name: String?, id: KafkaUUID)] =
            context.apiVersion >= 6
            ? request.topics.map { ($0.name, $0.topicId) }
            : request.topicNames.map { ($0, KafkaUUID.zero) }
        var response = DeleteTopicsResponse()
        for entry in wanted {
            var result = DeleteTopicsResponse.DeletableTopicResult(name: entry.name, topicId: entry.id)
            let state = entry.name.flatMap { topics.topic(named: $0) } ?? (entry.id.isZero ? nil : topics.topic(id: entry.id))
            if let name = entry.name, !entry.id.isZero {
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "Topic \(name) and topic id \(entry.id) are both set; give one of them."
            } else if !deletionEnabled {
                result.errorCode = ErrorCode.topicDeletionDisabled.rawValue
            } else if let state, !state.metadata.isInternal {
                do {
                    let deleted = try await topics.deleteTopic(named: state.metadata.name)
                    result.name = deleted.name
                    result.topicId = deleted.id
                } catch {
                    result.errorCode = error.code.rawValue
                    result.errorMessage = error.message
                }
            } else if state != nil {
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "Internal topics cannot be deleted."
            } else {
                result.errorCode = (entry.name == nil ? ErrorCode.unknownTopicId : .unknownTopicOrPartition).rawValue
            }
            response.responses.append(result)
        }
        return response
    }
}

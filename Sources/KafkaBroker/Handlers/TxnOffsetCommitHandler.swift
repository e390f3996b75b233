import KafkaProtocol

/// TxnOffsetCommit v0-v4: offsets committed inside a transaction, visible once it commits.
/// Partitions of topics this broker does not host are answered UNKNOWN_TOPIC_OR_PARTITION here;
/// the rest go to the group coordinator (as Kafka's KafkaApis does).
struct TxnOffsetCommitHandler: AsyncApiHandler {
    typealias Request = TxnOffsetCommitRequest
    let versions: ClosedRange<Int16> = 0...4
    let topics: TopicRegistry
    let groups: GroupCoordinator

    func handle(_ request: TxnOffsetCommitRequest, context: RequestContext) async -> TxnOffsetCommitResponse {
        var known = request
        known.topics = request.topics.compactMap { topic in
            let state = topics.topic(named: topic.name)
            let kept = topic.partitions.filter { state?.hasPartition($0.partitionIndex) == true }
            return kept.isEmpty ? nil : .init(name: topic.name, partitions: kept)
        }
        let committed = known.topics.isEmpty ? TxnOffsetCommitResponse() : groups.commitTransactionalOffsets(known)
        var answers: [String: [Int32: Int16]] = [:]
        for topic in committed.topics {
            for partition in topic.partitions { answers[topic.name, default: [:]][partition.partitionIndex] = partition.errorCode }
        }
        // Answered once the pending offsets reached the in-sync replicas.
        if answers.values.contains(where: { $0.values.contains(0) }) {
            let replicated = await groups.awaitReplication(groupId: request.groupId)
            if replicated != .none {
                for (topic, partitions) in answers {
                    for (index, code) in partitions where code == 0 { answers[topic]?[index] = replicated.rawValue }
                }
            }
        }
        let unknown = ErrorCode.unknownTopicOrPartition.rawValue
        return TxnOffsetCommitResponse(topics: request.topics.map { topic in
            .init(name: topic.name, partitions: topic.partitions.map { partition in
                .init(partitionIndex: partition.partitionIndex, errorCode: answers[topic.name]?[partition.partitionIndex] ?? unknown)
            })
        })
    }
}

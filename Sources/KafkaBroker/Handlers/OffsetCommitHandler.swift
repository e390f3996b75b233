import KafkaProtocol

/// OffsetCommit v0-v9. As in Kafka's KafkaApis, partitions of topics this broker does not host
/// are answered UNKNOWN_TOPIC_OR_PARTITION here, and only the rest reach the group coordinator,
/// which validates the group and member and appends one batch before answering. v0 (which Kafka
/// kept in ZooKeeper) is stored like the others; v9's member epoch is treated as a classic
/// generation until KIP-848 groups exist.
struct OffsetCommitHandler: AsyncApiHandler {
    typealias Request = OffsetCommitRequest
    let versions: ClosedRange<Int16> = 0...9
    let topics: TopicRegistry
    let groups: GroupCoordinator

    func handle(_ request: OffsetCommitRequest, context: RequestContext) async -> OffsetCommitResponse {
        await response(to: request, version: context.apiVersion)
    }

    func response(to request: OffsetCommitRequest, version: Int16) async -> OffsetCommitResponse {
        var known = request
        known.topics = []
        // Per request topic, which of its partitions exist (in request order).
        var exists: [[Bool]] = []
        exists.reserveCapacity(request.topics.count)
        for topic in request.topics {
            let state = topics.topic(named: topic.name)
            let flags = topic.partitions.map { state?.hasPartition($0.partitionIndex) == true }
            exists.append(flags)
            let kept = zip(topic.partitions, flags).compactMap { $1 ? $0 : nil }
            if !kept.isEmpty { known.topics.append(.init(name: topic.name, partitions: kept)) }
        }
        var committed = known.topics.isEmpty ? OffsetCommitResponse() : groups.commitOffsets(known, apiVersion: version)
        // Answered once the commit reached the in-sync replicas.
        if committed.topics.contains(where: { $0.partitions.contains { $0.errorCode == 0 } }) {
            let replicated = await groups.awaitReplication(groupId: request.groupId)
            if replicated != .none {
                for t in committed.topics.indices {
                    for p in committed.topics[t].partitions.indices where committed.topics[t].partitions[p].errorCode == 0 {
                        committed.topics[t].partitions[p].errorCode = replicated.rawValue
                    }
                }
            }
        }
        return Self.merge(request: request, exists: exists, committed: committed)
    }

    /// Puts the coordinator's answers (one topic per topic with known partitions, partitions in
    /// order) back among the unknown partitions, in the request's order.
    static func merge(request: OffsetCommitRequest, exists: [[Bool]], committed: OffsetCommitResponse) -> OffsetCommitResponse {
        var answers = committed.topics.makeIterator()
        var response = OffsetCommitResponse()
        response.topics.reserveCapacity(request.topics.count)
        for (topic, flags) in zip(request.topics, exists) {
            let fromCoordinator = flags.contains(true) ? answers.next()?.partitions ?? [] : []
            var next = 0
            var partitions: [OffsetCommitResponse.OffsetCommitResponsePartition] = []
            partitions.reserveCapacity(topic.partitions.count)
            for (partition, known) in zip(topic.partitions, flags) {
                if known, next < fromCoordinator.count {
                    partitions.append(fromCoordinator[next])
                    next += 1
                } else {
                    let code: ErrorCode = known ? .unknownServerError : .unknownTopicOrPartition
                    partitions.append(.init(partitionIndex: partition.partitionIndex, errorCode: code.rawValue))
                }
            }
            response.topics.append(.init(name: topic.name, partitions: partitions))
        }
        return response
    }
}

import KafkaProtocol

extension GroupCoordinatorShard {
    /// OffsetCommit (Kafka's OffsetMetadataManager.commitOffset). The request holds only
    /// partitions the broker knows exist (the handler answers the others). Group-level problems
    /// throw, and the caller gives every partition that error; per-partition problems (metadata
    /// too large) are answered in place and write nothing for that partition.
    public func commitOffset(
        _ request: OffsetCommitRequest, apiVersion: Int16, now: Int64
    ) throws(BrokerError) -> CoordinatorResult<OffsetCommitResponse> {
        try validateOffsetCommit(request, apiVersion: apiVersion)
        // Retention times (v2-v4) become an expiry; -1 means the broker's retention applies.
        let expireTimestamp: Int64? = request.retentionTimeMs == -1 ? nil : now &+ request.retentionTimeMs
        var records: [CoordinatorRecord] = []
        var topics: [OffsetCommitResponse.OffsetCommitResponseTopic] = []
        topics.reserveCapacity(request.topics.count)
        for topic in request.topics {
            var partitions: [OffsetCommitResponse.OffsetCommitResponsePartition] = []
            partitions.reserveCapacity(topic.partitions.count)
            for partition in topic.partitions {
                if let metadata = partition.committedMetadata, isTooLarge(metadata) {
                    partitions.append(.init(partitionIndex: partition.partitionIndex, errorCode: ErrorCode.offsetMetadataTooLarge.rawValue))
                    continue
                }
                let offset = OffsetAndMetadata(
                    committedOffset: partition.committedOffset,
                    leaderEpoch: partition.committedLeaderEpoch < 0 ? nil : partition.committedLeaderEpoch,
                    metadata: partition.committedMetadata ?? "",
                    // Only v1 lets the client set the commit time.
                    commitTimestampMs: partition.commitTimestamp == -1 ? now : partition.commitTimestamp,
                    expireTimestampMs: expireTimestamp)
                let key = OffsetCommitKey(group: request.groupId, topic: topic.name, partition: partition.partitionIndex)
                records.append(.offsetCommit(key, offset.recordValue))
                partitions.append(.init(partitionIndex: partition.partitionIndex, errorCode: 0))
            }
            topics.append(.init(name: topic.name, partitions: partitions))
        }
        return CoordinatorResult(records: records, response: OffsetCommitResponse(topics: topics))
    }

    /// Kafka counts Java chars (UTF-16 units); the int16 length of the record string also caps it.
    func isTooLarge(_ metadata: String) -> Bool {
        metadata.utf16.count > config.offsetMetadataMaxBytes || metadata.utf8.count > CoordinatorRecordSerde.maxStringBytes
    }

    /// Whether this member may commit for this group now (Kafka's validateOffsetCommit).
    func validateOffsetCommit(_ request: OffsetCommitRequest, apiVersion: Int16) throws(BrokerError) {
        // Group, topic and metadata strings go into records with int16 lengths.
        guard request.groupId.utf8.count <= CoordinatorRecordSerde.maxStringBytes else {
            throw BrokerError(.invalidGroupId, "group id is longer than \(CoordinatorRecordSerde.maxStringBytes) bytes")
        }
        guard let group = group(request.groupId) else {
            // No group: a commit outside group management (generation -1) creates a simple
            // group when its records are replayed; anything else names a generation that never was.
            if request.generationIdOrMemberEpoch < 0 { return }
            if apiVersion >= 9 {
                throw BrokerError(.groupIdNotFound, "group \(request.groupId) does not exist")
            }
            throw BrokerError(.illegalGeneration, "group \(request.groupId) does not exist, so generation \(request.generationIdOrMemberEpoch) is not current")
        }
        try group.validateOffsetCommit(
            memberId: request.memberId, groupInstanceId: request.groupInstanceId,
            generationIdOrMemberEpoch: request.generationIdOrMemberEpoch, isTransactional: false, apiVersion: apiVersion)
    }
}

extension OffsetCommitResponse {
    /// Every partition of the request answered with one error (Kafka's
    /// OffsetCommitRequest.getErrorResponse).
    public static func failing(_ request: OffsetCommitRequest, with error: ErrorCode) -> OffsetCommitResponse {
        OffsetCommitResponse(topics: request.topics.map { topic in
            OffsetCommitResponseTopic(name: topic.name, partitions: topic.partitions.map {
                OffsetCommitResponsePartition(partitionIndex: $0.partitionIndex, errorCode: error.rawValue)
            })
        })
    }
}

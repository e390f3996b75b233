import KafkaProtocol

extension GroupCoordinatorShard {
    /// TxnOffsetCommit (Kafka's OffsetMetadataManager.commitTransactionalOffset): the records go
    /// into the producer's transaction and count only once its commit marker is replayed.
    /// Partitions of unknown topics are answered by the handler before this.
    public func commitTransactionalOffset(
        _ request: TxnOffsetCommitRequest, now: Int64
    ) throws(BrokerError) -> CoordinatorResult<TxnOffsetCommitResponse> {
        guard request.groupId.utf8.count <= CoordinatorRecordSerde.maxStringBytes else {
            throw BrokerError(.invalidGroupId, "group id is longer than \(CoordinatorRecordSerde.maxStringBytes) bytes")
        }
        if let group = group(request.groupId) {
            try group.validateOffsetCommit(
                memberId: request.memberId, groupInstanceId: request.groupInstanceId,
                generationIdOrMemberEpoch: request.generationId, isTransactional: true)
        } else if request.generationId >= 0 {
            throw BrokerError(.illegalGeneration, "group \(request.groupId) does not exist, so generation \(request.generationId) is not current")
        }
        var records: [CoordinatorRecord] = []
        var response = TxnOffsetCommitResponse()
        for topic in request.topics {
            var answered = TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic(name: topic.name)
            for partition in topic.partitions {
                if let metadata = partition.committedMetadata, isTooLarge(metadata) {
                    answered.partitions.append(.init(partitionIndex: partition.partitionIndex, errorCode: ErrorCode.offsetMetadataTooLarge.rawValue))
                    continue
                }
                let offset = OffsetAndMetadata(
                    committedOffset: partition.committedOffset,
                    leaderEpoch: partition.committedLeaderEpoch < 0 ? nil : partition.committedLeaderEpoch,
                    metadata: partition.committedMetadata ?? "", commitTimestampMs: now, expireTimestampMs: nil)
                let key = OffsetCommitKey(group: request.groupId, topic: topic.name, partition: partition.partitionIndex)
                records.append(.offsetCommit(key, offset.recordValue))
                answered.partitions.append(.init(partitionIndex: partition.partitionIndex, errorCode: 0))
            }
            response.topics.append(answered)
        }
        return CoordinatorResult(records: records, response: response)
    }
}

extension TxnOffsetCommitResponse {
    /// Every partition of the request answered with one error.
    public static func failing(_ request: TxnOffsetCommitRequest, with error: ErrorCode) -> TxnOffsetCommitResponse {
        TxnOffsetCommitResponse(topics: request.topics.map { topic in
            TxnOffsetCommitResponseTopic(name: topic.name, partitions: topic.partitions.map {
                TxnOffsetCommitResponsePartition(partitionIndex: $0.partitionIndex, errorCode: error.rawValue)
            })
        })
    }
}

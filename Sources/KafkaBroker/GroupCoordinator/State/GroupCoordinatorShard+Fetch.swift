import KafkaProtocol

extension GroupCoordinatorShard {
    /// OffsetFetch for one group (Kafka's OffsetMetadataManager.fetchOffsets/fetchAllOffsets).
    /// Null topics ask for every committed offset of the group. An unknown group is not an
    /// error: its partitions answer -1 (or, for all topics, nothing). With `requireStable`, a
    /// partition with an open transactional commit answers UNSTABLE_OFFSET_COMMIT.
    public func fetchOffsets(
        _ request: OffsetFetchRequest.OffsetFetchRequestGroup, requireStable: Bool
    ) -> OffsetFetchResponse.OffsetFetchResponseGroup {
        // Members of KIP-848 groups name themselves (v9); a stale epoch or unknown member is an
        // error for the whole group.
        if case .consumer(let consumer)? = group(request.groupId) {
            do {
                try consumer.validateOffsetFetch(memberId: request.memberId, memberEpoch: request.memberEpoch)
            } catch {
                return .init(groupId: request.groupId, topics: [], errorCode: error.code.rawValue)
            }
        }
        let groupOffsets = group(request.groupId) == nil ? nil : offsets.topics(of: request.groupId)
        var topics: [OffsetFetchResponse.OffsetFetchResponseTopics] = []
        if let requested = request.topics {
            topics.reserveCapacity(requested.count)
            for topic in requested {
                let stored = groupOffsets?[topic.name]
                let partitions = topic.partitionIndexes.map { index in
                    answer(request.groupId, topic.name, index, stored?[index], requireStable: requireStable)
                }
                topics.append(.init(name: topic.name, partitions: partitions))
            }
        } else if let groupOffsets {
            // Sorted so that the same state always gives the same bytes.
            for name in groupOffsets.keys.sorted() {
                guard let stored = groupOffsets[name] else { continue }
                let partitions = stored.keys.sorted().map { index in
                    answer(request.groupId, name, index, stored[index], requireStable: requireStable)
                }
                topics.append(.init(name: name, partitions: partitions))
            }
        }
        return OffsetFetchResponse.OffsetFetchResponseGroup(groupId: request.groupId, topics: topics, errorCode: 0)
    }

    private func answer(
        _ group: String, _ topic: String, _ partition: Int32, _ stored: OffsetAndMetadata?, requireStable: Bool
    ) -> OffsetFetchResponse.OffsetFetchResponsePartitions {
        if requireStable && hasPendingTransactionalOffsets(group: group, topic: topic, partition: partition) {
            return .init(
                partitionIndex: partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: "",
                errorCode: ErrorCode.unstableOffsetCommit.rawValue)
        }
        guard let stored else {
            return .init(partitionIndex: partition, committedOffset: -1, committedLeaderEpoch: -1, metadata: "", errorCode: 0)
        }
        return .init(
            partitionIndex: partition, committedOffset: stored.committedOffset,
            committedLeaderEpoch: stored.leaderEpoch ?? -1, metadata: stored.metadata, errorCode: 0)
    }
}

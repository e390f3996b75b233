import KafkaProtocol

extension GroupCoordinator {
    /// OffsetCommit for partitions already known to exist. Group-level errors answer every
    /// partition with that error; nothing is stored then.
    public func commitOffsets(_ request: OffsetCommitRequest, apiVersion: Int16) -> OffsetCommitResponse {
        guard let shard = shard(for: request.groupId) else {
            return .failing(request, with: .notCoordinator)
        }
        do {
            return try shard.write { (state: inout GroupCoordinatorShard, _: any TopicCatalog, now: Int64) throws(BrokerError) in
                try state.commitOffset(request, apiVersion: apiVersion, now: now)
            }
        } catch {
            return .failing(request, with: error.code)
        }
    }

    /// OffsetFetch for one group; errors are group-level.
    public func fetchOffsets(
        _ request: OffsetFetchRequest.OffsetFetchRequestGroup, requireStable: Bool
    ) -> OffsetFetchResponse.OffsetFetchResponseGroup {
        guard let shard = shard(for: request.groupId) else {
            return .init(groupId: request.groupId, errorCode: ErrorCode.notCoordinator.rawValue)
        }
        do {
            return try shard.read { (state: GroupCoordinatorShard) throws(BrokerError) in state.fetchOffsets(request, requireStable: requireStable) }
        } catch {
            return .init(groupId: request.groupId, errorCode: error.code.rawValue)
        }
    }

    /// OffsetDelete: tombstones for offsets of topics the group no longer consumes.
    public func deleteOffsets(_ request: OffsetDeleteRequest) -> OffsetDeleteResponse {
        guard let shard = shard(for: request.groupId) else {
            return OffsetDeleteResponse(errorCode: ErrorCode.notCoordinator.rawValue)
        }
        do {
            return try shard.write { (state: inout GroupCoordinatorShard, _: any TopicCatalog, _: Int64) throws(BrokerError) in
                try state.deleteOffsets(request)
            }
        } catch {
            return OffsetDeleteResponse(errorCode: error.code.rawValue)
        }
    }
}

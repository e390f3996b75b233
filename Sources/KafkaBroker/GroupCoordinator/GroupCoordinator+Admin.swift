import KafkaProtocol

/// Group administration across shards.
extension GroupCoordinator {
    /// Every loaded shard's groups; shards that cannot serve give COORDINATOR_NOT_AVAILABLE.
    public func listGroups(statesFilter: [String], typesFilter: [String]) -> ListGroupsResponse {
        var groups: [ListGroupsResponse.ListedGroup] = []
        var errorCode: Int16 = 0
        for shard in shards.all {
            do {
                groups += try shard.read { (state: GroupCoordinatorShard) throws(BrokerError) in state.listGroups(statesFilter: statesFilter, typesFilter: typesFilter) }
            } catch {
                if error.code != .coordinatorLoadInProgress { errorCode = error.code.rawValue }
            }
        }
        return ListGroupsResponse(errorCode: errorCode, groups: groups.sorted { $0.groupId < $1.groupId })
    }

    public func describeGroups(_ groupIds: [String]) -> [DescribeGroupsResponse.DescribedGroup] {
        groupIds.map { groupId in
            guard let shard = shard(for: groupId) else {
                return .init(errorCode: ErrorCode.notCoordinator.rawValue, groupId: groupId)
            }
            do throws(BrokerError) {
                return try shard.read { (state: GroupCoordinatorShard) throws(BrokerError) in state.describeGroup(groupId) }
            } catch {
                return .init(errorCode: error.code.rawValue, groupId: groupId)
            }
        }
    }

    /// Groups are deleted shard by shard, each shard's deletions in one batch.
    public func deleteGroups(_ groupIds: [String]) -> [DeleteGroupsResponse.DeletableGroupResult] {
        var byShard: [Int32: [String]] = [:]
        var order: [Int32] = []
        for groupId in groupIds {
            let index = partitionFor(groupId: groupId)
            if byShard[index] == nil { order.append(index) }
            byShard[index, default: []].append(groupId)
        }
        var results: [String: DeleteGroupsResponse.DeletableGroupResult] = [:]
        for index in order {
            let ids = byShard[index] ?? []
            guard let shard = shards.shard(index) else {
                for id in ids { results[id] = .init(groupId: id, errorCode: ErrorCode.notCoordinator.rawValue) }
                continue
            }
            do {
                let answers = try shard.write { (state: inout GroupCoordinatorShard, _: any TopicCatalog, _: Int64) throws(BrokerError) in
                    state.deleteGroups(ids)
                }
                for answer in answers { results[answer.groupId] = answer }
            } catch {
                for id in ids { results[id] = .init(groupId: id, errorCode: error.code.rawValue) }
            }
        }
        return groupIds.map { results[$0] ?? .init(groupId: $0, errorCode: ErrorCode.notCoordinator.rawValue) }
    }
}

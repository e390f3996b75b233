import KafkaProtocol

/// KIP-848 entry points.
extension GroupCoordinator {
    public func consumerGroupHeartbeat(
        _ request: ConsumerGroupHeartbeatRequest, context: ConsumerHeartbeatContext
    ) -> ConsumerGroupHeartbeatResponse {
        guard let shard = shard(for: request.groupId) else {
            return ConsumerGroupHeartbeatResponse(errorCode: ErrorCode.notCoordinator.rawValue)
        }
        do {
            return try shard.write(group: request.groupId) { (state: inout GroupCoordinatorShard, topics: any TopicCatalog, now: Int64) throws(BrokerError) in
                try state.consumerGroupHeartbeat(request, context: context, topics: topics, now: now)
            }
        } catch {
            return ConsumerGroupHeartbeatResponse(errorCode: error.code.rawValue, errorMessage: error.message)
        }
    }

    public func consumerGroupDescribe(_ groupIds: [String]) -> [ConsumerGroupDescribeResponse.DescribedGroup] {
        let catalog = RegistryTopicCatalog(topics: topics)
        return groupIds.map { groupId in
            guard !groupId.isEmpty else {
                return .init(errorCode: ErrorCode.invalidGroupId.rawValue, errorMessage: "GroupId can't be empty.", groupId: groupId)
            }
            guard let shard = shard(for: groupId) else {
                return .init(errorCode: ErrorCode.notCoordinator.rawValue, groupId: groupId)
            }
            do throws(BrokerError) {
                return try shard.read { (state: GroupCoordinatorShard) throws(BrokerError) in state.describeConsumerGroup(groupId, topics: catalog) }
            } catch {
                return .init(errorCode: error.code.rawValue, errorMessage: error.message, groupId: groupId)
            }
        }
    }
}

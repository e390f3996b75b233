import KafkaProtocol

extension GroupCoordinatorShard {
    /// ConsumerGroupDescribe for one group (Kafka's ConsumerGroup.asDescribedGroup): each
    /// member's current and target assignment, with topic names resolved from their ids.
    public func describeConsumerGroup(_ groupId: String, topics: any TopicCatalog) -> ConsumerGroupDescribeResponse.DescribedGroup {
        guard case .consumer(let group)? = group(groupId) else {
            return .init(errorCode: ErrorCode.groupIdNotFound.rawValue, errorMessage: "Group \(groupId) is not a consumer group.", groupId: groupId)
        }
        func describe(_ assignment: TopicPartitionAssignment) -> ConsumerGroupDescribeResponse.Assignment {
            .init(topicPartitions: assignment.keys.sorted(by: KafkaUUID.ordered).map { id in
                let name = topics.topic(id: id)?.name ?? group.subscriptionMetadata.values.first { $0.id == id }?.name ?? ""
                return .init(topicId: id, topicName: name, partitions: (assignment[id] ?? []).sorted())
            })
        }
        let members = group.members.values.sorted { $0.memberId < $1.memberId }.map { member in
            ConsumerGroupDescribeResponse.Member(
                memberId: member.memberId, instanceId: member.instanceId, rackId: member.rackId,
                memberEpoch: member.memberEpoch, clientId: member.clientId, clientHost: member.clientHost,
                subscribedTopicNames: member.subscribedTopicNames, subscribedTopicRegex: member.subscribedTopicRegex,
                assignment: describe(member.assignedPartitions),
                targetAssignment: describe(group.targetAssignment[member.memberId] ?? [:]))
        }
        let assignor = group.preferredServerAssignor(replacing: nil, with: nil) ?? config.consumerAssignors.first ?? "uniform"
        return .init(
            errorCode: 0, groupId: groupId, groupState: group.state.name, groupEpoch: group.groupEpoch,
            assignmentEpoch: group.targetAssignmentEpoch, assignorName: assignor, members: members)
    }
}

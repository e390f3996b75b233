import KafkaProtocol
import NIOCore

/// The admin side of the coordinator: listing, describing and deleting groups, deleting offsets
/// (Kafka's GroupMetadataManager.listGroups/describeGroups, GroupCoordinatorShard.deleteGroups,
/// OffsetMetadataManager.deleteOffsets).
extension GroupCoordinatorShard {
    /// Groups whose state (case-insensitive) and type are in the filters; empty filters match all.
    public func listGroups(statesFilter: [String], typesFilter: [String]) -> [ListGroupsResponse.ListedGroup] {
        let states = Set(statesFilter.map { String($0.filter { !$0.isWhitespace }).lowercased() })
        let types = Set(typesFilter.map { String($0.filter { !$0.isWhitespace }).lowercased() })
        return groups.values.filter { group in
            !group.isDead
                && (states.isEmpty || states.contains(group.stateName.lowercased()))
                && (types.isEmpty || types.contains(group.typeName))
        }
        .sorted { $0.groupId < $1.groupId }
        .map { .init(groupId: $0.groupId, protocolType: $0.protocolType, groupState: $0.stateName, groupType: $0.typeName) }
    }

    /// DescribeGroups for one group. Unknown (or KIP-848) groups are Dead without an error, as
    /// Kafka answers; members carry their metadata only while the group is Stable.
    public func describeGroup(_ groupId: String) -> DescribeGroupsResponse.DescribedGroup {
        guard case .classic(let group)? = group(groupId) else {
            return .init(errorCode: 0, groupId: groupId, groupState: ClassicGroupState.dead.name, protocolType: "", protocolData: "")
        }
        let stable = group.state == .stable
        let members = group.sortedMembers.map { member in
            DescribeGroupsResponse.DescribedGroupMember(
                memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                clientHost: member.clientHost,
                memberMetadata: stable ? member.metadata(for: group.protocolName) ?? ByteBuffer() : ByteBuffer(),
                memberAssignment: member.assignment)
        }
        return .init(
            errorCode: 0, groupId: groupId, groupState: group.state.name, protocolType: group.protocolType ?? "",
            protocolData: stable ? group.protocolName ?? "" : "", members: members)
    }

    /// DeleteGroups: only empty groups go (NON_EMPTY_GROUP otherwise), with all their offsets.
    public func deleteGroups(_ groupIds: [String]) -> CoordinatorResult<[DeleteGroupsResponse.DeletableGroupResult]> {
        var records: [CoordinatorRecord] = []
        var results: [DeleteGroupsResponse.DeletableGroupResult] = []
        for groupId in groupIds {
            guard let group = group(groupId) else {
                results.append(.init(groupId: groupId, errorCode: ErrorCode.groupIdNotFound.rawValue))
                continue
            }
            guard group.isEmpty else {
                results.append(.init(groupId: groupId, errorCode: ErrorCode.nonEmptyGroup.rawValue))
                continue
            }
            records += offsetTombstones(group: groupId)
            records += groupTombstones(group)
            results.append(.init(groupId: groupId, errorCode: 0))
        }
        return CoordinatorResult(records: records, response: results)
    }

    /// OffsetDelete: offsets of topics the group does not consume any more. A group errors as a
    /// whole (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP for an active non-consumer classic group);
    /// partitions of subscribed topics answer GROUP_SUBSCRIBED_TO_TOPIC.
    public func deleteOffsets(_ request: OffsetDeleteRequest) throws(BrokerError) -> CoordinatorResult<OffsetDeleteResponse> {
        guard let group = group(request.groupId) else {
            throw BrokerError(.groupIdNotFound, "group \(request.groupId) does not exist")
        }
        if case .classic(let classic) = group, classic.state != .empty, classic.protocolType != ConsumerProtocolCodec.protocolType {
            throw BrokerError(.nonEmptyGroup, "group \(request.groupId) has members")
        }
        var records: [CoordinatorRecord] = []
        var topics: [OffsetDeleteResponse.OffsetDeleteResponseTopic] = []
        for topic in request.topics {
            let subscribed = isSubscribed(group, to: topic.name)
            var partitions: [OffsetDeleteResponse.OffsetDeleteResponsePartition] = []
            for partition in topic.partitions {
                if subscribed {
                    partitions.append(.init(partitionIndex: partition.partitionIndex, errorCode: ErrorCode.groupSubscribedToTopic.rawValue))
                    continue
                }
                partitions.append(.init(partitionIndex: partition.partitionIndex, errorCode: 0))
                if offsets.get(group: request.groupId, topic: topic.name, partition: partition.partitionIndex) != nil
                    || hasPendingTransactionalOffsets(group: request.groupId, topic: topic.name, partition: partition.partitionIndex)
                {
                    records.append(.offsetCommit(
                        OffsetCommitKey(group: request.groupId, topic: topic.name, partition: partition.partitionIndex), nil))
                }
            }
            topics.append(.init(name: topic.name, partitions: partitions))
        }
        return CoordinatorResult(records: records, response: OffsetDeleteResponse(errorCode: 0, topics: topics))
    }

    /// Whether the group consumes the topic (Kafka's isSubscribedToTopic): a classic group of
    /// unknown subscriptions counts as subscribed when it uses the consumer protocol.
    func isSubscribed(_ group: CoordinatorGroup, to topic: String) -> Bool {
        switch group {
        case .classic(let classic):
            if let topics = classic.subscribedTopics { return topics.contains(topic) }
            return classic.protocolType == ConsumerProtocolCodec.protocolType
        case .consumer(let consumer):
            return consumer.isSubscribed(to: topic)
        }
    }

    /// Tombstones for every committed offset of the group, and for pending transactional ones
    /// that have no committed offset (Kafka's deleteAllOffsets).
    func offsetTombstones(group groupId: String) -> [CoordinatorRecord] {
        var keys = Set<OffsetCommitKey>()
        var records: [CoordinatorRecord] = []
        func add(_ topic: String, _ partition: Int32) {
            let key = OffsetCommitKey(group: groupId, topic: topic, partition: partition)
            if keys.insert(key).inserted { records.append(.offsetCommit(key, nil)) }
        }
        for (topic, partitions) in (offsets.topics(of: groupId) ?? [:]).sorted(by: { $0.key < $1.key }) {
            for partition in partitions.keys.sorted() { add(topic, partition) }
        }
        for producerId in (openTransactionsByGroup[groupId] ?? []).sorted() {
            let pending = pendingTransactionalOffsets[producerId]?.topics(of: groupId) ?? [:]
            for (topic, partitions) in pending.sorted(by: { $0.key < $1.key }) {
                for partition in partitions.keys.sorted() { add(topic, partition) }
            }
        }
        return records
    }

    /// The records that delete a group (Kafka's createGroupTombstoneRecords).
    func groupTombstones(_ group: CoordinatorGroup) -> [CoordinatorRecord] {
        switch group {
        case .classic(let classic): [.groupMetadata(group: classic.groupId, nil)]
        case .consumer(let consumer): consumerGroupTombstones(consumer)
        }
    }

    /// A consumer group's tombstones in Kafka's order: assignments, target assignment, members,
    /// then the group's own records.
    func consumerGroupTombstones(_ group: ConsumerGroup) -> [CoordinatorRecord] {
        let id = group.groupId
        let members = group.members.keys.sorted()
        var records: [CoordinatorRecord] = members.map { .consumerGroupCurrentMemberAssignment(group: id, member: $0, nil) }
        records += members.map { .consumerGroupTargetAssignmentMember(group: id, member: $0, nil) }
        records.append(.consumerGroupTargetAssignmentMetadata(group: id, nil))
        records += members.map { .consumerGroupMemberMetadata(group: id, member: $0, nil) }
        records.append(.consumerGroupPartitionMetadata(group: id, nil))
        records.append(.consumerGroupMetadata(group: id, nil))
        return records
    }
}

import KafkaProtocol
import NIOCore

/// A group as ListGroups reports it.
public struct GroupListing: Sendable, Equatable {
    public var groupId: String
    /// "consumer" for consumer groups, "" for groups that only store offsets.
    public var protocolType: String
    /// Empty when the broker is older than ListGroups v4.
    public var state: String
    /// "classic" or "consumer" (KIP-848); empty before ListGroups v5.
    public var type: String
}

/// One member of a group and the partitions it owns.
public struct GroupMemberDescription: Sendable, Equatable {
    public var memberId: String
    public var instanceId: String?
    public var clientId: String
    public var clientHost: String
    public var partitions: [String: [Int32]]
}

/// A group from DescribeGroups (classic) or ConsumerGroupDescribe (KIP-848).
public struct GroupDescription: Sendable, Equatable {
    public var groupId: String
    public var state: String
    /// "classic" (JoinGroup/SyncGroup) or "consumer" (KIP-848).
    public var type: String
    /// The classic protocol ("range", ...) or the KIP-848 server assignor ("uniform", ...).
    public var assignor: String
    public var members: [GroupMemberDescription]
}

/// A committed offset.
public struct CommittedOffset: Sendable, Equatable {
    public var offset: Int64
    public var metadata: String
}

extension KafkaClient {
    /// The connection to the coordinator of `group` (FindCoordinator).
    public func groupCoordinator(_ group: String) async throws -> KafkaConnection {
        let bootstrap = try await anyConnection()
        guard let version = bootstrap.versions.version(for: .findCoordinator) else {
            throw KafkaClientError(.unsupportedApi(.findCoordinator), api: .findCoordinator, broker: bootstrap.brokerLabel)
        }
        let request = version >= 4
            ? FindCoordinatorRequest(keyType: 0, coordinatorKeys: [group])
            : FindCoordinatorRequest(key: group, keyType: 0)
        let response = try await bootstrap.send(request)
        let node: Int32
        if version >= 4 {
            guard let entry = response.coordinators.first else {
                throw KafkaClientError(.protocolViolation("FindCoordinator response has no coordinator"), api: .findCoordinator)
            }
            if let error = KafkaClientError.check(entry.errorCode, api: .findCoordinator, broker: bootstrap.brokerLabel, message: entry.errorMessage) {
                throw error
            }
            node = entry.nodeId
        } else {
            if let error = KafkaClientError.check(response.errorCode, api: .findCoordinator, broker: bootstrap.brokerLabel, message: response.errorMessage) {
                throw error
            }
            node = response.nodeId
        }
        return try await connection(toBroker: node)
    }

    /// Every group on every broker, sorted by id. `states` filters by state (ListGroups v4+).
    public func listGroups(states: [String] = []) async throws -> [GroupListing] {
        try await withRetries(topic: nil) { [self] in
            if await cachedMetadata.brokers.isEmpty { try await refreshMetadata(topics: []) }
            var out: [String: GroupListing] = [:]
            for broker in await cachedMetadata.brokers.keys.sorted() {
                let connection = try await connection(toBroker: broker)
                let response = try await connection.send(ListGroupsRequest(statesFilter: states))
                if let error = KafkaClientError.check(response.errorCode, api: .listGroups, broker: connection.brokerLabel) {
                    throw error
                }
                for group in response.groups {
                    out[group.groupId] = GroupListing(
                        groupId: group.groupId, protocolType: group.protocolType, state: group.groupState, type: group.groupType)
                }
            }
            return out.values.sorted { $0.groupId < $1.groupId }
        }
    }

    /// A group's state and members: ConsumerGroupDescribe for KIP-848 groups, DescribeGroups
    /// for classic ones. Nil when the group does not exist.
    public func describeGroup(_ group: String) async throws -> GroupDescription? {
        try await withRetries(topic: nil) { [self] in
            let connection = try await groupCoordinator(group)
            if connection.versions.supports(.consumerGroupDescribe) {
                let response = try await connection.send(ConsumerGroupDescribeRequest(groupIds: [group]))
                if let described = response.groups.first, described.errorCode == 0 {
                    return GroupDescription(
                        groupId: group, state: described.groupState, type: "consumer", assignor: described.assignorName,
                        members: described.members.map { member in
                            var partitions: [String: [Int32]] = [:]
                            for topic in member.assignment.topicPartitions { partitions[topic.topicName, default: []] += topic.partitions }
                            return GroupMemberDescription(
                                memberId: member.memberId, instanceId: member.instanceId, clientId: member.clientId,
                                clientHost: member.clientHost, partitions: partitions)
                        })
                } else if let described = response.groups.first, ErrorCode(described.errorCode) != .groupIdNotFound,
                    let error = KafkaClientError.check(
                        described.errorCode, api: .consumerGroupDescribe, broker: connection.brokerLabel, message: described.errorMessage)
                {
                    throw error
                }
            }
            let response = try await connection.send(DescribeGroupsRequest(groups: [group]))
            guard let described = response.groups.first else {
                throw KafkaClientError(.protocolViolation("DescribeGroups response has no group"), api: .describeGroups)
            }
            if let error = KafkaClientError.check(described.errorCode, api: .describeGroups, broker: connection.brokerLabel) {
                throw error
            }
            if described.groupState == "Dead" { return nil }
            return GroupDescription(
                groupId: group, state: described.groupState, type: "classic", assignor: described.protocolData,
                members: described.members.map { member in
                    GroupMemberDescription(
                        memberId: member.memberId, instanceId: member.groupInstanceId, clientId: member.clientId,
                        clientHost: member.clientHost,
                        partitions: ConsumerProtocolCodec.assignment(member.memberAssignment) ?? [:])
                })
        }
    }

    /// Every committed offset of a group, by topic and partition (OffsetFetch with all topics).
    public func committedOffsets(group: String) async throws -> [String: [Int32: CommittedOffset]] {
        try await withRetries(topic: nil) { [self] in
            let connection = try await groupCoordinator(group)
            guard let version = connection.versions.version(for: .offsetFetch), version >= 2 else {
                throw KafkaClientError(.unsupportedApi(.offsetFetch), api: .offsetFetch, broker: connection.brokerLabel)
            }
            var out: [String: [Int32: CommittedOffset]] = [:]
            func add(_ topic: String, _ partition: Int32, _ offset: Int64, _ metadata: String?, _ error: Int16) throws {
                if let failure = KafkaClientError.check(error, api: .offsetFetch, topic: topic, partition: partition, broker: connection.brokerLabel) {
                    throw failure
                }
                if offset >= 0 { out[topic, default: [:]][partition] = CommittedOffset(offset: offset, metadata: metadata ?? "") }
            }
            if version >= 8 {
                let response = try await connection.send(OffsetFetchRequest(groups: [.init(groupId: group, topics: nil)]))
                guard let answer = response.groups.first else {
                    throw KafkaClientError(.protocolViolation("OffsetFetch response has no group"), api: .offsetFetch)
                }
                if let error = KafkaClientError.check(answer.errorCode, api: .offsetFetch, broker: connection.brokerLabel) { throw error }
                for topic in answer.topics {
                    for p in topic.partitions { try add(topic.name, p.partitionIndex, p.committedOffset, p.metadata, p.errorCode) }
                }
            } else {
                let response = try await connection.send(OffsetFetchRequest(groupId: group, topics: nil))
                if let error = KafkaClientError.check(response.errorCode, api: .offsetFetch, broker: connection.brokerLabel) { throw error }
                for topic in response.topics {
                    for p in topic.partitions { try add(topic.name, p.partitionIndex, p.committedOffset, p.metadata, p.errorCode) }
                }
            }
            return out
        }
    }
}

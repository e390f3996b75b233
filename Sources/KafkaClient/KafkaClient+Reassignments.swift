import KafkaProtocol

/// One partition's wanted replicas (AlterPartitionReassignments), or nil to cancel its move.
public struct ReassignmentTarget: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var replicas: [Int32]?

    public init(topic: String, partition: Int32, replicas: [Int32]?) {
        self.topic = topic
        self.partition = partition
        self.replicas = replicas
    }
}

/// A partition moving between replica sets (ListPartitionReassignments).
public struct OngoingReassignment: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// The target and the origin replicas together, target first.
    public var replicas: [Int32]
    public var adding: [Int32]
    public var removing: [Int32]

    public var target: [Int32] { replicas.filter { !removing.contains($0) } }
}

/// Kafka's ElectionType.
public enum LeaderElectionType: Int8, Sendable {
    /// Leadership back to each partition's first replica when it is in sync.
    case preferred = 0
    /// A live replica leads partitions without a live leader, even one out of sync (data may be lost).
    case unclean = 1
}

/// What one partition's leader election came to: nil error = elected.
public struct LeaderElectionOutcome: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var error: KafkaClientError?
}

extension KafkaClient {
    /// Starts, replaces or cancels partition reassignments. Returns the partitions refused, with
    /// the broker's reason (INVALID_REPLICA_ASSIGNMENT, NO_REASSIGNMENT_IN_PROGRESS,
    /// UNKNOWN_TOPIC_OR_PARTITION, ...); those not listed were accepted.
    public func alterPartitionReassignments(_ targets: [ReassignmentTarget], timeoutMs: Int32 = 30_000) async throws
        -> [ReassignmentTarget: KafkaClientError]
    {
        var byTopic: [String: [AlterPartitionReassignmentsRequest.ReassignablePartition]] = [:]
        for target in targets {
            byTopic[target.topic, default: []].append(.init(partitionIndex: target.partition, replicas: target.replicas))
        }
        let request = AlterPartitionReassignmentsRequest(
            timeoutMs: timeoutMs, topics: byTopic.keys.sorted().map { .init(name: $0, partitions: byTopic[$0] ?? []) })
        let response = try await withRetries(topic: nil) { [self] in
            let connection = try await controllerConnection()
            let response = try await connection.send(request)
            if let error = KafkaClientError.check(
                response.errorCode, api: .alterPartitionReassignments, broker: connection.brokerLabel, message: response.errorMessage)
            {
                throw error
            }
            return response
        }
        var refused: [ReassignmentTarget: KafkaClientError] = [:]
        for topic in response.responses {
            for result in topic.partitions {
                guard let error = KafkaClientError.check(
                    result.errorCode, api: .alterPartitionReassignments, topic: topic.name, partition: result.partitionIndex,
                    message: result.errorMessage)
                else { continue }
                for target in targets where target.topic == topic.name && target.partition == result.partitionIndex {
                    refused[target] = error
                }
            }
        }
        for target in targets { invalidate(topic: target.topic) }
        return refused
    }

    /// The reassignments in progress: all (nil), or those among the partitions named.
    public func listPartitionReassignments(_ partitions: [String: [Int32]]? = nil, timeoutMs: Int32 = 30_000) async throws
        -> [OngoingReassignment]
    {
        let request = ListPartitionReassignmentsRequest(
            timeoutMs: timeoutMs,
            topics: partitions.map { wanted in wanted.keys.sorted().map { .init(name: $0, partitionIndexes: wanted[$0] ?? []) } })
        return try await withRetries(topic: nil) { [self] in
            let connection = try await controllerConnection()
            let response = try await connection.send(request)
            if let error = KafkaClientError.check(
                response.errorCode, api: .listPartitionReassignments, broker: connection.brokerLabel, message: response.errorMessage)
            {
                throw error
            }
            return response.topics.flatMap { topic in
                topic.partitions.map {
                    OngoingReassignment(
                        topic: topic.name, partition: $0.partitionIndex, replicas: $0.replicas, adding: $0.addingReplicas,
                        removing: $0.removingReplicas)
                }
            }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        }
    }

    /// Leader elections (ElectLeaders v1+): for the partitions named, or all (nil; then only
    /// partitions that needed an election are reported).
    public func electLeaders(_ type: LeaderElectionType, partitions: [String: [Int32]]? = nil, timeoutMs: Int32 = 30_000)
        async throws -> [LeaderElectionOutcome]
    {
        let request = ElectLeadersRequest(
            electionType: type.rawValue,
            topicPartitions: partitions.map { wanted in wanted.keys.sorted().map { .init(topic: $0, partitions: wanted[$0] ?? []) } },
            timeoutMs: timeoutMs)
        let response = try await withRetries(topic: nil) { [self] in
            let connection = try await controllerConnection()
            guard let version = connection.versions.version(for: .electLeaders), version >= 1 else {
                throw KafkaClientError(.unsupportedApi(.electLeaders), api: .electLeaders, broker: connection.brokerLabel)
            }
            let response = try await connection.send(request)
            if let error = KafkaClientError.check(response.errorCode, api: .electLeaders, broker: connection.brokerLabel) {
                throw error
            }
            return response
        }
        var outcomes: [LeaderElectionOutcome] = []
        for topic in response.replicaElectionResults {
            for result in topic.partitionResult {
                outcomes.append(LeaderElectionOutcome(
                    topic: topic.topic, partition: result.partitionId,
                    error: KafkaClientError.check(
                        result.errorCode, api: .electLeaders, topic: topic.topic, partition: result.partitionId,
                        message: result.errorMessage)))
            }
            invalidate(topic: topic.topic)
        }
        return outcomes.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }
}

import KafkaProtocol

/// CreateTopics: Kafka's name rules and error codes, replica assignments, configs, validate_only.
struct CreateTopicsHandler: AsyncApiHandler {
    typealias Request = CreateTopicsRequest
    let versions: ClosedRange<Int16> = 0...7
    let topics: TopicRegistry
    let defaults: TopicDefaults
    let configPolicy: any TopicConfigPolicy

    func handle(_ request: CreateTopicsRequest, context: RequestContext) async -> CreateTopicsResponse {
        var seen: [String: Int] = [:]
        for topic in request.topics { seen[topic.name, default: 0] += 1 }
        var response = CreateTopicsResponse()
        // Kafka refuses the whole request when its topics add too many partitions together.
        let requested = request.topics.reduce(0) { total, topic in
            total + (topic.assignments.isEmpty ? Int(max(topic.numPartitions, 0)) : topic.assignments.count)
        }
        let tooMany = PartitionBudget.requestLimitProblem(requested)
        for topic in request.topics {
            var result = CreateTopicsResponse.CreatableTopicResult(name: topic.name)
            if let tooMany {
                result.errorCode = tooMany.code.rawValue
                result.errorMessage = tooMany.message
            } else if seen[topic.name, default: 0] > 1 {
                result.errorCode = ErrorCode.invalidRequest.rawValue
                result.errorMessage = "Create topics request from client `\(context.clientId)` contains multiple entries for the following topics: \(topic.name)"
            } else {
                await create(topic, validateOnly: request.validateOnly, version: context.apiVersion, into: &result)
            }
            if result.errorCode != 0 {
                result.numPartitions = -1
                result.replicationFactor = -1
                result.configs = nil
                context.logger.info("create topic refused", metadata: ["topic": "\(topic.name)", "reason": "\(result.errorMessage ?? "")"])
            }
            response.topics.append(result)
        }
        return response
    }

    private func create(
        _ topic: CreateTopicsRequest.CreatableTopic, validateOnly: Bool, version: Int16,
        into result: inout CreateTopicsResponse.CreatableTopicResult
    ) async {
        do throws(BrokerError) {
            let plan = try plan(topic)
            let configs = Dictionary(topic.configs.compactMap { c in c.value.map { (c.name, $0) } }, uniquingKeysWith: { _, b in b })
            if let problem = configPolicy.validate(configs) { throw problem }
            if validateOnly {
                if topics.topic(named: topic.name) != nil {
                    throw BrokerError(.topicAlreadyExists, "Topic '\(topic.name)' already exists.")
                }
            } else {
                let state = try await topics.createTopic(
                    name: topic.name, partitions: plan.partitions, replicationFactor: plan.replicationFactor,
                    assignments: plan.assignments, configs: configs)
                result.topicId = state.metadata.id
            }
            result.numPartitions = plan.partitions
            result.replicationFactor = plan.replicationFactor
            result.configs = configPolicy.effectiveConfigs(configs).map {
                .init(name: $0.name, value: $0.value, readOnly: $0.readOnly, configSource: $0.source, isSensitive: $0.isSensitive)
            }
        } catch {
            result.errorCode = error.code.rawValue
            result.errorMessage = error.message
        }
    }

    private struct Plan {
        var partitions: Int32
        var replicationFactor: Int16
        /// Replicas per partition when the request gave them.
        var assignments: [[Int32]]?
    }

    private func plan(_ topic: CreateTopicsRequest.CreatableTopic) throws(BrokerError) -> Plan {
        if let problem = TopicNameRules.problem(with: topic.name) {
            throw BrokerError(.invalidTopicException, problem)
        }
        if topics.topic(named: topic.name) != nil {
            throw BrokerError(.topicAlreadyExists, "Topic '\(topic.name)' already exists.")
        }
        let brokers = topics.cache.brokers.map(\.id)
        if !topic.assignments.isEmpty {
            if topic.numPartitions != -1 || topic.replicationFactor != -1 {
                throw BrokerError(.invalidRequest, "Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.")
            }
            let sorted = topic.assignments.sorted { $0.partitionIndex < $1.partitionIndex }
            let rf = sorted[0].brokerIds.count
            for (expected, assignment) in sorted.enumerated() {
                if assignment.partitionIndex != Int32(expected) {
                    throw BrokerError(.invalidReplicaAssignment, "Partitions should be a consecutive 0-based integer sequence, but got \(sorted.map(\.partitionIndex)).")
                }
                if assignment.brokerIds.isEmpty || assignment.brokerIds.count != rf {
                    throw BrokerError(.invalidReplicaAssignment, "All partitions should have the same number of replicas.")
                }
                if Set(assignment.brokerIds).count != assignment.brokerIds.count {
                    throw BrokerError(.invalidReplicaAssignment, "Duplicate brokers not allowed in replica assignment: \(assignment.brokerIds).")
                }
                if let unknown = assignment.brokerIds.first(where: { !brokers.contains($0) }) {
                    throw BrokerError(.invalidReplicaAssignment, "Unknown broker \(unknown) in the replica assignment of partition \(assignment.partitionIndex).")
                }
            }
            return Plan(partitions: Int32(sorted.count), replicationFactor: Int16(rf), assignments: sorted.map(\.brokerIds))
        }
        let partitions = topic.numPartitions == -1 ? defaults.partitions : topic.numPartitions
        guard partitions > 0 else {
            throw BrokerError(.invalidPartitions, "Number of partitions was set to an invalid non-positive value.")
        }
        let rf = topic.replicationFactor == -1 ? defaults.replicationFactor : topic.replicationFactor
        guard rf > 0 else {
            throw BrokerError(.invalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.")
        }
        guard Int(rf) <= brokers.count else {
            throw BrokerError(.invalidReplicationFactor, "Unable to replicate the partition \(rf) time(s): The target replication factor of \(rf) cannot be reached because only \(brokers.count) broker(s) are registered.")
        }
        return Plan(partitions: partitions, replicationFactor: rf)
    }
}

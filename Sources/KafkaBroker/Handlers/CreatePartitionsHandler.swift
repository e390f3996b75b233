import KafkaProtocol

/// CreatePartitions: grows a topic to `count` partitions (never shrinks), validate_only.
struct CreatePartitionsHandler: AsyncApiHandler {
    typealias Request = CreatePartitionsRequest
    let versions: ClosedRange<Int16> = 0...3
    let topics: TopicRegistry

    func handle(_ request: CreatePartitionsRequest, context: RequestContext) async -> CreatePartitionsResponse {
        var seen: [String: Int] = [:]
        for topic in request.topics { seen[topic.name, default: 0] += 1 }
        var response = CreatePartitionsResponse()
        for topic in request.topics {
            var result = CreatePartitionsResponse.CreatePartitionsTopicResult(name: topic.name)
            do throws(BrokerError) {
                if seen[topic.name, default: 0] > 1 {
                    throw BrokerError(.invalidRequest, "Duplicate topic in request.")
                }
                try await grow(topic, validateOnly: request.validateOnly)
            } catch {
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
            }
            response.results.append(result)
        }
        return response
    }

    private func grow(_ topic: CreatePartitionsRequest.CreatePartitionsTopic, validateOnly: Bool) async throws(BrokerError) {
        guard let state = topics.topic(named: topic.name) else {
            throw BrokerError(.unknownTopicOrPartition, "The topic '\(topic.name)' does not exist.")
        }
        let current = state.metadata.partitionCount
        if topic.count < current {
            throw BrokerError(.invalidPartitions, "Topic currently has \(current) partitions, which is higher than the requested \(topic.count).")
        }
        if topic.count == current {
            throw BrokerError(.invalidPartitions, "Topic already has \(current) partitions.")
        }
        if let assignments = topic.assignments {
            guard assignments.count == Int(topic.count - current) else {
                throw BrokerError(.invalidReplicaAssignment, "Increasing the number of partitions by \(topic.count - current) but \(assignments.count) assignments provided.")
            }
            let brokers = topics.cache.brokers.map(\.id)
            for assignment in assignments {
                if let unknown = assignment.brokerIds.first(where: { !brokers.contains($0) }) {
                    throw BrokerError(.invalidReplicaAssignment, "Unknown broker \(unknown) in the replica assignment.")
                }
                if assignment.brokerIds.count != Int(state.metadata.replicationFactor) {
                    throw BrokerError(.invalidReplicaAssignment, "Inconsistent replication factor between partitions, partition 0 has \(state.metadata.replicationFactor) while the new assignment has \(assignment.brokerIds.count).")
                }
            }
        }
        if !validateOnly {
            try await topics.addPartitions(topic: topic.name, totalCount: topic.count, assignments: topic.assignments?.map(\.brokerIds))
        }
    }
}

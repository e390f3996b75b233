import KafkaProtocol

/// What CreateTopics reported for a new topic.
public struct CreatedTopic: Sendable, Equatable {
    public var name: String
    public var topicId: KafkaUUID
    /// -1 when the broker's version of CreateTopics does not say.
    public var partitions: Int32
    public var replicationFactor: Int16
}

extension KafkaClient {
    /// Creates a topic. `partitions`/`replicationFactor` of -1 take the broker's defaults
    /// (CreateTopics v4+).
    @discardableResult
    public func createTopic(
        _ name: String, partitions: Int32 = -1, replicationFactor: Int16 = -1, configs: [String: String] = [:],
        timeoutMs: Int32 = 30_000, validateOnly: Bool = false
    ) async throws -> CreatedTopic {
        let topic = CreateTopicsRequest.CreatableTopic(
            name: name, numPartitions: partitions, replicationFactor: replicationFactor,
            configs: configs.sorted { $0.key < $1.key }.map {
                CreateTopicsRequest.CreatableTopicConfig(name: $0.key, value: $0.value)
            })
        let request = CreateTopicsRequest(topics: [topic], timeoutMs: timeoutMs, validateOnly: validateOnly)
        let result = try await withRetries(topic: nil) { [self] in
            let connection = try await controllerConnection()
            if partitions < 0 || replicationFactor < 0, let v = connection.versions.version(for: .createTopics), v < 4 {
                throw KafkaClientError(
                    .invalidArgument("This broker needs an explicit partition count and replication factor."),
                    api: .createTopics, topic: name, broker: connection.brokerLabel)
            }
            let response = try await connection.send(request)
            guard let result = response.topics.first(where: { $0.name == name }) else {
                throw KafkaClientError(
                    .protocolViolation("CreateTopics response has no result for '\(name)'"), api: .createTopics,
                    topic: name, broker: connection.brokerLabel)
            }
            if let error = KafkaClientError.check(
                result.errorCode, api: .createTopics, topic: name, broker: connection.brokerLabel,
                message: result.errorMessage)
            {
                throw error
            }
            return result
        }
        invalidate(topic: name)
        return CreatedTopic(
            name: name, topicId: result.topicId, partitions: result.numPartitions,
            replicationFactor: result.replicationFactor)
    }

    /// Deletes a topic by name.
    public func deleteTopic(_ name: String, timeoutMs: Int32 = 30_000) async throws {
        let request = DeleteTopicsRequest(
            topics: [DeleteTopicsRequest.DeleteTopicState(name: name)], topicNames: [name], timeoutMs: timeoutMs)
        try await withRetries(topic: nil) { [self] in
            let connection = try await controllerConnection()
            let response = try await connection.send(request)
            for result in response.responses where result.name == name {
                if let error = KafkaClientError.check(
                    result.errorCode, api: .deleteTopics, topic: name, broker: connection.brokerLabel,
                    message: result.errorMessage)
                {
                    throw error
                }
            }
        }
        metadata.topics[name] = nil
        invalidate(topic: name)
    }

    /// Topic names, sorted; internal topics (`__consumer_offsets`) only when asked.
    public func listTopics(includeInternal: Bool = false) async throws -> [String] {
        try checkOpen()
        let all = try await withRetries(topic: nil) { [self] in try await refreshMetadata(topics: nil) }
        return all.topics.values.filter { includeInternal || !$0.isInternal }.map(\.name).sorted()
    }

    /// Fresh metadata for one topic: partitions with leader, replicas and ISR.
    public func describeTopic(_ name: String) async throws -> TopicMetadata {
        try await withRetries(topic: name) { [self] in try await topicMetadata(name, forceRefresh: true) }
    }
}

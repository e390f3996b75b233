import KafkaProtocol

extension KafkaClient {
    /// The metadata cached so far (brokers, controller, the topics asked about).
    public var cachedMetadata: ClusterMetadata { metadata }

    /// Asks a broker for metadata and updates the cache. `topics`: nil = all topics,
    /// [] = brokers and controller only.
    @discardableResult
    public func refreshMetadata(topics: [String]?) async throws -> ClusterMetadata {
        let request = MetadataRequest(
            topics: topics.map { $0.map { MetadataRequest.MetadataRequestTopic(name: $0) } },
            allowAutoTopicCreation: configuration.allowAutoTopicCreation)
        let response: MetadataResponse
        do {
            response = try await anyConnection().send(request)
        } catch {
            // The shared connection died; one more try on a fresh one.
            guard let clientError = error as? KafkaClientError, clientError.kind == .connectionClosed || clientError.isTimeout
            else { throw error }
            bootstrapConnection = nil
            response = try await anyConnection().send(request)
        }
        let fresh = ClusterMetadata(response: response)
        let now = ContinuousClock.now
        if !fresh.brokers.isEmpty {
            metadata.brokers = fresh.brokers
            metadata.racks = fresh.racks
        }
        metadata.controllerId = fresh.controllerId
        metadata.clusterId = fresh.clusterId
        if topics == nil {
            metadata.topics = fresh.topics
            topicFetchedAt = [:]
        }
        for (name, topic) in fresh.topics {
            metadata.topics[name] = topic
            topicFetchedAt[name] = now
        }
        for name in topics ?? [] where fresh.topics[name] == nil {
            metadata.topics[name] = nil
            topicFetchedAt[name] = nil
        }
        return fresh
    }

    /// The topic's metadata, from the cache when it is fresh and complete.
    public func topicMetadata(_ topic: String, forceRefresh: Bool = false) async throws -> TopicMetadata {
        try checkOpen()
        if !forceRefresh, let cached = metadata.topics[topic], cached.isComplete, let at = topicFetchedAt[topic],
            at.duration(to: .now) < configuration.metadataMaxAge
        {
            return cached
        }
        let fresh = try await refreshMetadata(topics: [topic])
        guard let found = fresh.topics[topic], found.errorCode != .unknownTopicOrPartition else {
            throw KafkaClientError(.unknownTopic, api: .metadata, topic: topic)
        }
        if found.errorCode != .none, found.partitions.isEmpty {
            throw KafkaClientError(.kafka(found.errorCode), api: .metadata, topic: topic)
        }
        return found
    }

    /// The connection to the partition's leader.
    public func leaderConnection(topic: String, partition: Int32) async throws -> KafkaConnection {
        let metadata = try await topicMetadata(topic)
        guard let p = metadata.partition(partition) else {
            throw KafkaClientError(
                .unknownPartition(partitionCount: metadata.partitions.count), topic: topic, partition: partition)
        }
        guard p.leader >= 0 else { throw KafkaClientError(.noLeader, topic: topic, partition: partition) }
        return try await connection(toBroker: p.leader)
    }

    /// The controller (where topic changes go), or any broker when metadata names none.
    func controllerConnection() async throws -> KafkaConnection {
        if metadata.brokers.isEmpty { try await refreshMetadata(topics: []) }
        let id = metadata.controllerId
        if id >= 0, metadata.brokers[id] != nil { return try await connection(toBroker: id) }
        return try await anyConnection()
    }

    /// Marks a topic's metadata stale so the next use asks again.
    func invalidate(topic: String) {
        topicFetchedAt[topic] = nil
    }

    /// Runs `body` until it succeeds, fails with a non-retriable error, or runs out of
    /// attempts; between attempts the topic's metadata is dropped and the wait doubles.
    // Swift 6.3's optimizer crashes (CopyPropagation, ownership verifier) on this generic async
    // retry loop in release builds; it is not a hot path, so it is left unoptimized.
    @_optimize(none)
    func withRetries<T: Sendable>(
        topic: String?, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        var delay = configuration.retryBackoff
        var attempt = 1
        while true {
            let failure: KafkaClientError
            do {
                return try await body()
            } catch {
                guard let clientError = error as? KafkaClientError, clientError.isRetriable,
                    attempt < configuration.maxAttempts
                else { throw error }
                failure = clientError
            }
            // A bootstrap that never answered is a wrong address, not a broker restarting.
            if case .connectionFailed = failure.kind, metadata.brokers.isEmpty { throw failure }
            logger.debug(
                "retrying", metadata: ["error": "\(failure)", "attempt": "\(attempt)", "topic": "\(topic ?? "-")"])
            if let topic { invalidate(topic: topic) }
            if failure.code == .notController { metadata.controllerId = -1 }
            try await Task.sleep(for: delay)
            delay *= 2
            attempt += 1
        }
    }
}

extension KafkaClientError {
    var isTimeout: Bool {
        if case .timeout = kind { return true }
        return false
    }
}

import Cluster
import KafkaProtocol
import LogStorage

/// Topic admin through the cluster's metadata store (Kafka's ZooKeeper-mode AdminZkClient): any
/// broker writes the change; the controller elects leaders; every broker applies it from its
/// follower. Each call returns once this broker's cache shows the result (leaders elected,
/// topic gone, configs applied), within `waitMs`, so a client's next request finds it.
extension TopicRegistry {
    /// How long an admin call waits for its change to reach this broker's cache.
    static let propagationWaitMs: Int64 = 30_000

    /// Creates a topic: `assignments` if given (preferred leader first), else Kafka's placement.
    @discardableResult
    public func createTopic(
        name: String, partitions: Int32, replicationFactor: Int16, assignments: [[Int32]]? = nil, configs: [String: String]
    ) async throws(BrokerError) -> TopicState {
        if let existing = topic(named: name) {
            throw BrokerError(.topicAlreadyExists, "Topic '\(existing.metadata.name)' already exists.")
        }
        if let clash = collidingTopic(name) {
            throw BrokerError(.invalidTopicException, "Topic '\(name)' collides with existing topic: \(clash)")
        }
        let placement: [[Int32]]
        if let assignments {
            placement = assignments
        } else {
            placement = try assign(partitions: Int(partitions), replicationFactor: Int(replicationFactor), start: 0)
        }
        try budget.check(adding: placement.filter { $0.contains(localBrokerId) }.count)
        let store = try await metadataStore()
        do {
            _ = try await store.createTopic(TopicAssignment(name: name, topicID: .random(), partitions: placement), configs: configs)
        } catch {
            throw BrokerError(error.code, error.message)
        }
        guard let created = await waitFor({ self.topic(named: name).flatMap { Self.hasAllLeaders($0) ? $0 : nil } }) else {
            throw BrokerError(.requestTimedOut, "Topic '\(name)' was created, but not every partition has a leader yet.")
        }
        logger.info("created topic", metadata: ["topic": "\(name)", "partitions": "\(partitions)", "replicationFactor": "\(placement.first?.count ?? 0)"])
        return created
    }

    /// Deletes a topic everywhere; every broker deletes its replicas' logs.
    @discardableResult
    public func deleteTopic(named name: String) async throws(BrokerError) -> TopicMetadata {
        guard let state = topic(named: name) else { throw .unknownTopic(name) }
        let store = try await metadataStore()
        do {
            try await store.deleteTopic(name)
        } catch {
            throw BrokerError(error.code, error.message)
        }
        _ = await waitFor { self.topic(named: name) == nil ? true : nil }
        logger.info("deleted topic", metadata: ["topic": "\(name)"])
        return state.metadata
    }

    /// Grows a topic to `totalCount` partitions (`assignments` for the new ones, if given).
    public func addPartitions(topic name: String, totalCount: Int32, assignments: [[Int32]]? = nil) async throws(BrokerError) {
        guard let state = topic(named: name) else { throw .unknownTopic(name) }
        let current = state.metadata.partitionCount
        let added: [[Int32]]
        if let assignments {
            added = assignments
        } else {
            added = try assign(
                partitions: Int(totalCount - current), replicationFactor: Int(state.metadata.replicationFactor), start: Int(current))
        }
        try budget.check(adding: added.filter { $0.contains(localBrokerId) }.count)
        var assignment = state.assignment
        assignment.partitions += added
        let store = try await metadataStore()
        do {
            _ = try await store.updateTopicAssignment(assignment)
        } catch {
            throw BrokerError(error.code == .invalidUpdateVersion ? .concurrentTransactions : error.code, error.message)
        }
        guard await waitFor({ self.topic(named: name).flatMap { $0.metadata.partitionCount == totalCount && Self.hasAllLeaders($0) ? true : nil } }) != nil else {
            throw BrokerError(.requestTimedOut, "Partitions of '\(name)' were added, but not every new partition has a leader yet.")
        }
    }

    /// Replaces a topic's config overrides; every broker applies them to its logs.
    public func setConfigs(topic name: String, _ configs: [String: String]) async throws(BrokerError) {
        guard topic(named: name) != nil else { throw .unknownTopic(name) }
        let store = try await metadataStore()
        do {
            try await store.setTopicConfigs(name, configs)
        } catch {
            throw BrokerError(error.code, error.message)
        }
        _ = await waitFor { self.cache.configs(topic: name) == configs ? true : nil }
    }

    // MARK: helpers

    /// Kafka's placement over the live brokers, rack-aware when every broker has a rack.
    func assign(partitions: Int, replicationFactor: Int, start: Int) throws(BrokerError) -> [[Int32]] {
        let brokers = cache.brokers.map { ReplicaAssignor.Broker(id: $0.id, rack: $0.rack) }
        do {
            return try ReplicaAssignor.assign(
                brokers: brokers, partitions: partitions, replicationFactor: replicationFactor, startPartition: start)
        } catch {
            throw BrokerError(error.code, error.message)
        }
    }

    func metadataStore() async throws(BrokerError) -> any MetadataStore {
        guard let store = await cluster.node.store, store.isSessionAlive else {
            throw BrokerError(.notController, "broker \(localBrokerId) has no session with the cluster metadata right now; retry")
        }
        return store
    }

    static func hasAllLeaders(_ state: TopicState) -> Bool {
        state.partitionIndexes.allSatisfy { state.states[$0]?.hasLeader == true }
    }

    func collidingTopic(_ name: String) -> String? {
        let key = TopicNameRules.collisionKey(name)
        return cache.image.topics.keys.first { $0 != name && TopicNameRules.collisionKey($0) == key }
    }

    /// Polls this broker's cache until `found` gives a value, the propagation wait passes, or
    /// the task is cancelled (a cancelled sleep returns at once: polling on would spin).
    func waitFor<T: Sendable>(_ found: @Sendable () -> T?) async -> T? {
        let deadline = ContinuousClock.now + .milliseconds(Self.propagationWaitMs)
        while ContinuousClock.now < deadline {
            if let value = found() { return value }
            do {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                break
            }
        }
        return found()
    }
}

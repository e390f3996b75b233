import ZooKeeperClient

// Topics: `/brokers/topics/<topic>` (assignment) and `/config/topics/<topic>` (overrides).
extension ZooKeeperMetadataStore {
    public func createTopic(_ topic: TopicAssignment, configs: [String: String]) async throws(ClusterError) -> TopicAssignment {
        try topic.validate()
        let topicPath = paths.topic(topic.name)
        let configPath = paths.topicConfig(topic.name)
        let topicData = ZNodeJSON.encode(TopicZNode(topic))
        let configData = ZNodeJSON.encode(ConfigZNode(config: configs))
        let created = try await retrying(topicPath) { () async throws(ZooKeeperError) -> Bool in
            while true {
                // A config node left behind by another tool is overwritten, not an error.
                let configOp: MultiOperation =
                    try await client.exists(configPath) == nil
                    ? .create(path: configPath, data: configData) : .setData(path: configPath, data: configData)
                do throws(ZooKeeperError) {
                    _ = try await client.multi([configOp, .create(path: topicPath, data: topicData)])
                    return true
                } catch {
                    if error.failedOperationIndex == 0 && (error.code == .nodeExists || error.code == .noNode) { continue }
                    guard error.code == .nodeExists else { throw error }
                }
                // The topic exists: ours if a retried first attempt made it (same topic id).
                do throws(ZooKeeperError) {
                    let node = try await client.getData(topicPath)
                    let existing = try? ZNodeJSON.decode(TopicZNode.self, node.data, path: topicPath)
                    return existing?.topicID == topic.topicID.base64
                } catch {
                    guard error.code == .noNode else { throw error }
                }
            }
        }
        guard created else { throw .topicExists(topic.name) }
        logger.info(
            "created topic",
            metadata: ["topic": "\(topic.name)", "topic_id": "\(topic.topicID)", "partitions": "\(topic.partitionCount)"])
        var stored = topic
        stored.version = 0
        return stored
    }

    public func updateTopicAssignment(_ topic: TopicAssignment, fence: ControllerFence?) async throws(ClusterError) -> TopicAssignment {
        try topic.validate()
        let path = paths.topic(topic.name)
        let data = ZNodeJSON.encode(TopicZNode(topic))
        do {
            let stat: Stat
            if let fence {
                stat = try await fencedSetData(path, data: data, version: topic.version, fence: fence)
            } else {
                stat = try await retrying(path) { () async throws(ZooKeeperError) -> Stat in
                    try await client.setData(path, data: data, version: topic.version)
                }
            }
            var stored = topic
            stored.version = stat.version
            return stored
        } catch {
            if error.reason == .notFound { throw .unknownTopic(topic.name) }
            // A retried write that landed the first time reads back as what we wrote.
            if error.reason == .staleVersion, let current = try await self.topic(topic.name, watch: nil),
                current.partitions == topic.partitions, current.reassignments == topic.reassignments,
                current.topicID == topic.topicID, current.version == topic.version + 1
            {
                return current
            }
            throw error
        }
    }

    /// The controller's topic write: behind a check of `/controller_epoch`, as its state writes.
    private func fencedSetData(_ path: String, data: [UInt8], version: Int32, fence: ControllerFence) async throws(ClusterError) -> Stat {
        let operations: [MultiOperation] = [
            .check(path: paths.controllerEpoch, version: fence.epochVersion), .setData(path: path, data: data, version: version),
        ]
        var attempt = 0
        while true {
            let results: [MultiResult]
            do throws(ZooKeeperError) {
                results = try await client.multi(operations)
            } catch {
                if error.isRetriable, !client.isEnded, attempt < configuration.maxRetries {
                    attempt += 1
                    try? await Task.sleep(for: .milliseconds(min(10 * attempt, 200)))
                    continue
                }
                throw Self.stateWriteError(error, path: path, fence: fence)
            }
            guard case .dataSet(let stat)? = results.last else { throw .corrupt("\(path): multi answered without a stat") }
            return stat
        }
    }

    public func deleteTopic(_ name: String) async throws(ClusterError) {
        let topicPath = paths.topic(name)
        let configPath = paths.topicConfig(name)
        let deleted = try await retrying(topicPath) { () async throws(ZooKeeperError) -> Bool in
            while true {
                guard try await client.exists(topicPath) != nil else { return false }
                // Deepest first: states, partition nodes, /partitions, the topic, its config.
                var operations = try await subtree(topicPath).map { MultiOperation.delete(path: $0) }
                if try await client.exists(configPath) != nil { operations.append(.delete(path: configPath)) }
                do throws(ZooKeeperError) {
                    _ = try await client.multi(operations)
                    return true
                } catch {
                    // A node appeared or vanished under us (the controller creating states): look again.
                    guard error.code == .notEmpty || error.code == .noNode else { throw error }
                }
            }
        }
        guard deleted else { throw .unknownTopic(name) }
        logger.info("deleted topic", metadata: ["topic": "\(name)"])
    }

    /// Every node under `path` and `path` itself, children before parents.
    private func subtree(_ path: String) async throws(ZooKeeperError) -> [String] {
        let names: [String]
        do throws(ZooKeeperError) {
            names = try await client.getChildren(path).names
        } catch {
            guard error.code == .noNode else { throw error }
            return []
        }
        var paths: [String] = []
        for name in names { paths += try await subtree(path + "/" + name) }
        paths.append(path)
        return paths
    }

    public func topicNames(watch: MetadataWatch?) async throws(ClusterError) -> [String] {
        try await children(paths.topics, watch: watch)
    }

    public func topic(_ name: String, watch: MetadataWatch?) async throws(ClusterError) -> TopicAssignment? {
        let path = paths.topic(name)
        guard let node = try await readNode(path, watch: watch) else { return nil }
        return try ZNodeJSON.decode(TopicZNode.self, node.data, path: path)
            .assignment(name: name, version: node.stat.version, path: path)
    }

    public func topicConfigs(_ name: String, watch: MetadataWatch?) async throws(ClusterError) -> [String: String] {
        let path = paths.topicConfig(name)
        guard let node = try await readNode(path, watch: watch) else { return [:] }
        return try ZNodeJSON.decode(ConfigZNode.self, node.data, path: path).config
    }

    public func setTopicConfigs(_ name: String, _ configs: [String: String]) async throws(ClusterError) {
        let topicPath = paths.topic(name)
        let configPath = paths.topicConfig(name)
        let data = ZNodeJSON.encode(ConfigZNode(config: configs))
        let found = try await retrying(configPath) { () async throws(ZooKeeperError) -> Bool in
            while true {
                // The check makes the write conditional on the topic existing.
                let write: MultiOperation =
                    try await client.exists(configPath) == nil
                    ? .create(path: configPath, data: data) : .setData(path: configPath, data: data)
                do throws(ZooKeeperError) {
                    _ = try await client.multi([.check(path: topicPath, version: -1), write])
                    return true
                } catch {
                    if error.failedOperationIndex == 0, error.code == .noNode { return false }
                    guard error.code == .noNode || error.code == .nodeExists else { throw error }
                }
            }
        }
        guard found else { throw .unknownTopic(name) }
    }
}

import KafkaProtocol
import LogStorage
import Logging
import Synchronization

/// The topics this broker serves: metadata (persisted) plus their open partition logs.
///
/// Reads take a snapshot under a short lock; changes are rare (admin requests) and write the
/// metadata file before they become visible. The Cluster layer (issue 4) replaces the file with
/// ZooKeeper or the embedded backend behind the same operations.
public final class TopicRegistry: Sendable {
    public let clusterId: String
    private let file: MetadataFile
    private let logManager: LogManager
    private let logConfig: @Sendable ([String: String]) -> LogConfig
    private let logger: Logger
    private let topics: Mutex<[String: TopicState]>
    /// Serializes admin changes so two creates cannot interleave their file writes.
    private let changeLock = Mutex(())
    private let budget = PartitionBudget()

    public init(
        dataDir: String, logManager: LogManager, logger: Logger,
        logConfig: @escaping @Sendable ([String: String]) -> LogConfig
    ) throws {
        self.file = MetadataFile(dataDir: dataDir)
        self.logManager = logManager
        self.logConfig = logConfig
        self.logger = logger
        let contents = try file.load() ?? MetadataFile.Contents(clusterId: MetadataFile.newClusterId(), topics: [])
        self.clusterId = contents.clusterId
        var loaded: [String: TopicState] = [:]
        for metadata in contents.topics {
            var partitions: [Partition] = []
            for index in 0..<metadata.partitionCount {
                let log = try logManager.openOrCreateLog(
                    topic: metadata.name, partition: index, topicId: metadata.id, config: logConfig(metadata.configs))
                partitions.append(Partition(topic: metadata.name, index: index, topicId: metadata.id, log: log))
            }
            loaded[metadata.name] = TopicState(metadata: metadata, partitions: partitions)
        }
        self.topics = Mutex(loaded)
        if contents.topics.isEmpty { try file.save(contents) }
        removeStrayLogs()
    }

    /// Deletes partition logs no topic owns (a create cut short by a crash, or a deleted topic's
    /// log of another id), so a later topic of the same name starts empty.
    private func removeStrayLogs() {
        let owned = topics.withLock { all in
            Set(all.values.flatMap { state in state.partitions.map { TopicPartition(topic: $0.topic, partition: $0.index) } })
        }
        for key in logManager.allLogs.keys where !owned.contains(key) {
            logger.warning("removing stray partition log", metadata: ["topic": "\(key.topic)", "partition": "\(key.partition)"])
            do { try logManager.deleteLog(topic: key.topic, partition: key.partition) } catch {
                logger.error("could not delete stray partition log", metadata: ["topic": "\(key.topic)", "error": "\(error)"])
            }
        }
    }

    public func topic(named name: String) -> TopicState? { topics.withLock { $0[name] } }

    public func topic(id: KafkaUUID) -> TopicState? {
        topics.withLock { all in all.values.first { $0.metadata.id == id } }
    }

    public func allTopics() -> [TopicState] {
        topics.withLock { Array($0.values) }.sorted { $0.metadata.name < $1.metadata.name }
    }

    public func partition(topic: String, index: Int32) -> Partition? {
        topics.withLock { $0[topic]?.partition(index) }
    }

    // MARK: changes

    /// Creates a topic after the caller validated name, counts and configs. The partition logs
    /// are created before the metadata file names the topic: a crash in between leaves stray
    /// directories that the next start removes, never a topic without its logs.
    @discardableResult
    public func createTopic(name: String, partitions: Int32, replicationFactor: Int16, configs: [String: String]) throws(BrokerError) -> TopicState {
        try changeLock.withLock { _ throws(BrokerError) in
            if let existing = topic(named: name) {
                throw BrokerError(.topicAlreadyExists, "Topic '\(existing.metadata.name)' already exists.")
            }
            if let clash = collidingTopic(name) {
                throw BrokerError(.invalidTopicException, "Topic '\(name)' collides with existing topic: \(clash)")
            }
            try budget.check(adding: Int(partitions))
            let metadata = TopicMetadata(
                name: name, id: KafkaUUID.random(), partitionCount: partitions, replicationFactor: replicationFactor,
                configs: configs)
            let opened = try openPartitions(metadata, range: 0..<partitions)
            do throws(BrokerError) {
                try persist(adding: metadata, removing: nil)
            } catch {
                deleteLogs(of: opened)
                throw error
            }
            let created = TopicState(metadata: metadata, partitions: opened)
            topics.withLock { $0[name] = created }
            logger.info("created topic", metadata: ["topic": "\(name)", "partitions": "\(partitions)"])
            return created
        }
    }

    public func deleteTopic(named name: String) throws(BrokerError) -> TopicMetadata {
        try changeLock.withLock { _ throws(BrokerError) in
            guard let state = topic(named: name) else { throw .unknownTopic(name) }
            try persist(adding: nil, removing: name)
            _ = topics.withLock { $0.removeValue(forKey: name) }
            for partition in state.partitions {
                do { try logManager.deleteLog(topic: name, partition: partition.index) } catch {
                    logger.error("could not delete partition log", metadata: ["topic": "\(name)", "partition": "\(partition.index)", "error": "\(error)"])
                }
            }
            logger.info("deleted topic", metadata: ["topic": "\(name)"])
            return state.metadata
        }
    }

    public func addPartitions(topic name: String, totalCount: Int32) throws(BrokerError) {
        try changeLock.withLock { _ throws(BrokerError) in
            guard var state = topic(named: name) else { throw .unknownTopic(name) }
            let current = state.metadata.partitionCount
            try budget.check(adding: Int(totalCount - current))
            state.metadata.partitionCount = totalCount
            let opened = try openPartitions(state.metadata, range: current..<totalCount)
            do throws(BrokerError) {
                try persist(adding: state.metadata, removing: name)
            } catch {
                deleteLogs(of: opened)
                throw error
            }
            state.partitions += opened
            let updated = state
            topics.withLock { $0[name] = updated }
        }
    }

    /// Replaces the topic's config overrides and applies them to its open logs at once.
    public func setConfigs(topic name: String, _ configs: [String: String]) throws(BrokerError) {
        try changeLock.withLock { _ throws(BrokerError) in
            guard var state = topic(named: name) else { throw .unknownTopic(name) }
            state.metadata.configs = configs
            try persist(adding: state.metadata, removing: name)
            let config = logConfig(configs)
            for partition in state.partitions { partition.log.updateConfig(config) }
            let updated = state
            topics.withLock { $0[name] = updated }
        }
    }

    private func collidingTopic(_ name: String) -> String? {
        let key = TopicNameRules.collisionKey(name)
        return topics.withLock { all in
            all.keys.first { $0 != name && TopicNameRules.collisionKey($0) == key }
        }
    }

    /// Opens (creating) the logs of `range`; on failure the ones it created are deleted again.
    private func openPartitions(_ metadata: TopicMetadata, range: Range<Int32>) throws(BrokerError) -> [Partition] {
        var out: [Partition] = []
        out.reserveCapacity(range.count)
        for index in range {
            do {
                let log = try logManager.openOrCreateLog(
                    topic: metadata.name, partition: index, topicId: metadata.id, config: logConfig(metadata.configs))
                out.append(Partition(topic: metadata.name, index: index, topicId: metadata.id, log: log))
            } catch {
                deleteLogs(of: out)
                throw BrokerError(.kafkaStorageError, "cannot create log for \(metadata.name)-\(index): \(error)")
            }
        }
        return out
    }

    private func deleteLogs(of partitions: [Partition]) {
        for partition in partitions {
            do { try logManager.deleteLog(topic: partition.topic, partition: partition.index) } catch {
                logger.error("could not delete partition log", metadata: [
                    "topic": "\(partition.topic)", "partition": "\(partition.index)", "error": "\(error)",
                ])
            }
        }
    }

    private func persist(adding: TopicMetadata?, removing: String?) throws(BrokerError) {
        var all = topics.withLock { $0.values.map(\.metadata) }
        if let removing { all.removeAll { $0.name == removing } }
        if let adding { all.append(adding) }
        all.sort { $0.name < $1.name }
        do {
            try file.save(.init(clusterId: clusterId, topics: all))
        } catch {
            throw BrokerError(.kafkaStorageError, "cannot persist topic metadata: \(error)")
        }
    }
}

import Cluster
import KafkaProtocol
import LogStorage
import Logging
import Synchronization

/// The partition replicas this broker holds (Kafka's ReplicaManager): it opens their logs and
/// gives each the role the metadata says, and answers "which replica of this partition is here,
/// and does it lead?" for the request handlers. Its map has one lock; appends and reads go to a
/// partition directly.
public final class ReplicaManager: Sendable {
    public let localBrokerId: Int32
    let logManager: LogManager
    let logConfig: @Sendable ([String: String]) -> LogConfig
    let logger: Logger
    private let replicas = Mutex<[TopicPartition: Partition]>([:])

    /// What applying one metadata change did, for the fetchers and the coordinators.
    public struct Applied: Sendable {
        /// Partitions this broker now leads (newly, or at a new epoch or ISR).
        public var led: [Partition] = []
        /// Partitions it now follows, with their leader; or waits for a leader (nil).
        public var followed: [(partition: Partition, leader: Int32?)] = []
        /// Partitions it no longer leads or holds.
        public var stopped: [TopicPartition] = []
    }

    public init(localBrokerId: Int32, logManager: LogManager, logConfig: @escaping @Sendable ([String: String]) -> LogConfig, logger: Logger) {
        self.localBrokerId = localBrokerId
        self.logManager = logManager
        self.logConfig = logConfig
        self.logger = logger
    }

    public func partition(_ key: TopicPartition) -> Partition? { replicas.withLock { $0[key] } }

    public func partition(topic: String, index: Int32) -> Partition? {
        partition(TopicPartition(topic: topic, partition: index))
    }

    public var all: [Partition] { replicas.withLock { Array($0.values) } }

    /// The replica here if it leads `partition`, else the error a client gets: the partition is
    /// unknown, or another broker (or none) leads it.
    public func leader(of key: TopicPartition, in cache: MetadataCache) -> Result<Partition, BrokerError> {
        if let partition = partition(key), partition.isLeader { return .success(partition) }
        guard let topic = cache.topic(named: key.topic), key.partition >= 0, Int(key.partition) < topic.partitionCount else {
            return .failure(.unknownTopic(key.topic))
        }
        return .failure(BrokerError(.notLeaderOrFollower, "broker \(localBrokerId) does not lead \(key)"))
    }

    /// Gives every replica here the role `changes` says (Kafka's becomeLeaderOrFollower), opening
    /// or creating logs as needed and deleting those of deleted topics. Runs on the admin thread:
    /// creating and deleting files never happens on an event loop.
    public func apply(_ changes: [RoleChange], image: MetadataImage, nowMs: Int64) -> Applied {
        var applied = Applied()
        for change in changes {
            switch change {
            case .lead(let leadership), .follow(let leadership):
                guard let topic = image.topics[leadership.partition.topic] else { continue }
                let partition: Partition
                do {
                    partition = try open(leadership.partition, topicId: topic.topicID, configs: image.configs[topic.name] ?? [:])
                } catch {
                    logger.error("cannot open partition log", metadata: [
                        "topic": "\(leadership.partition.topic)", "partition": "\(leadership.partition.partition)", "error": "\(error)",
                    ])
                    continue
                }
                let state = leadership.state
                if state.leader == localBrokerId {
                    partition.becomeLeader(
                        epoch: state.leaderEpoch, partitionEpoch: state.partitionEpoch, replicas: leadership.replicas, isr: state.isr,
                        nowMs: nowMs)
                    applied.led.append(partition)
                } else if state.hasLeader {
                    partition.becomeFollower(leaderId: state.leader, epoch: state.leaderEpoch)
                    applied.followed.append((partition, state.leader))
                } else {
                    partition.becomeOffline(epoch: state.leaderEpoch)
                    applied.followed.append((partition, nil))
                }
            case .stop(let key, let deleted):
                guard let partition = replicas.withLock({ $0.removeValue(forKey: key) }) else { continue }
                partition.becomeOffline()
                applied.stopped.append(key)
                if deleted { deleteLog(key) }
            }
        }
        return applied
    }

    /// Applies changed topic configs to the logs here, at once (IncrementalAlterConfigs).
    public func applyConfigs(_ configs: [String: [String: String]], changedTopics: Set<String>) {
        for partition in all where changedTopics.contains(partition.topic) {
            partition.log.updateConfig(logConfig(configs[partition.topic] ?? [:]))
        }
    }

    /// Deletes logs on disk that no assigned partition owns (a topic deleted while this broker
    /// was away, a replica moved elsewhere): Kafka's stray replicas.
    public func removeStrayLogs(image: MetadataImage) {
        let assigned = Set(image.partitions(onBroker: localBrokerId).map(\.0))
        for (key, _) in logManager.allLogs where !assigned.contains(key) && partition(key) == nil {
            logger.warning("removing stray partition log", metadata: ["topic": "\(key.topic)", "partition": "\(key.partition)"])
            deleteLog(key)
        }
    }

    private func open(_ key: TopicPartition, topicId: KafkaUUID, configs: [String: String]) throws(StorageError) -> Partition {
        if let existing = partition(key), existing.topicId == topicId { return existing }
        let log: PartitionLog
        do {
            log = try logManager.openOrCreateLog(topic: key.topic, partition: key.partition, topicId: topicId, config: logConfig(configs))
        } catch where error.code == .inconsistentTopicId {
            // The log is an older topic's of the same name, deleted while this broker was away.
            deleteLog(key)
            log = try logManager.openOrCreateLog(topic: key.topic, partition: key.partition, topicId: topicId, config: logConfig(configs))
        }
        let created = Partition(topic: key.topic, index: key.partition, topicId: topicId, log: log, localBrokerId: localBrokerId)
        return replicas.withLock { map in
            if let existing = map[key], existing.topicId == topicId { return existing }
            map[key] = created
            return created
        }
    }

    private func deleteLog(_ key: TopicPartition) {
        do { try logManager.deleteLog(topic: key.topic, partition: key.partition) } catch {
            logger.error("cannot delete partition log", metadata: ["topic": "\(key.topic)", "partition": "\(key.partition)", "error": "\(error)"])
        }
    }
}

import Cluster
import KafkaProtocol
import LogStorage
import Logging

/// The topics of the cluster as request handlers need them: metadata from the `MetadataCache`,
/// the replicas held here from the `ReplicaManager`, and topic admin through the cluster's
/// metadata store (TopicRegistry+Admin).
public final class TopicRegistry: Sendable {
    public let cache: MetadataCache
    public let replicas: ReplicaManager
    let cluster: BrokerCluster
    let logger: Logger
    let budget = PartitionBudget()

    init(cluster: BrokerCluster, logger: Logger) {
        self.cluster = cluster
        self.cache = cluster.cache
        self.replicas = cluster.replicas
        self.logger = logger
    }

    public var clusterId: String { cache.clusterId }
    public var localBrokerId: Int32 { cache.localBrokerId }

    public func topic(named name: String) -> TopicState? {
        cache.topic(named: name).map(state)
    }

    public func topic(id: KafkaUUID) -> TopicState? {
        cache.topic(id: id).map(state)
    }

    public func allTopics() -> [TopicState] {
        cache.image.topics.values.sorted { $0.name < $1.name }.map(state)
    }

    /// The replica of a partition held here (any role).
    public func partition(topic: String, index: Int32) -> Partition? {
        replicas.partition(topic: topic, index: index)
    }

    /// The replica here if it leads the partition, else why not: UNKNOWN_TOPIC_OR_PARTITION, or
    /// NOT_LEADER_OR_FOLLOWER when another broker (or none) leads it.
    public func leader(topic: String, index: Int32) -> Result<Partition, BrokerError> {
        replicas.leader(of: TopicPartition(topic: topic, partition: index), in: cache)
    }

    private func state(_ assignment: TopicAssignment) -> TopicState {
        let configs = cache.configs(topic: assignment.name)
        let metadata = TopicMetadata(
            name: assignment.name, id: assignment.topicID, partitionCount: Int32(assignment.partitionCount),
            replicationFactor: Int16(clamping: assignment.partitions.first?.count ?? 0), configs: configs)
        var states: [Int32: PartitionState] = [:]
        var local: [Int32: Partition] = [:]
        for key in assignment.topicPartitions {
            if let state = cache.state(of: key) { states[key.partition] = state }
            if let partition = replicas.partition(key), partition.topicId == assignment.topicID { local[key.partition] = partition }
        }
        return TopicState(metadata: metadata, assignment: assignment, states: states, local: local)
    }
}

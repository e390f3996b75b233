import KafkaProtocol
import LogStorage

/// Everything the cluster metadata holds, as one value: live brokers, topics with their
/// assignments and configs, partition states, the controller. The follower keeps one up to date
/// for a broker; the controller starts from one when elected.
public struct MetadataImage: Sendable, Equatable {
    public var brokers: [Int32: BrokerRegistration]
    public var topics: [String: TopicAssignment]
    public var configs: [String: [String: String]]
    public var partitions: [TopicPartition: PartitionState]
    public var controller: ControllerRegistration?

    public init(
        brokers: [Int32: BrokerRegistration] = [:], topics: [String: TopicAssignment] = [:],
        configs: [String: [String: String]] = [:], partitions: [TopicPartition: PartitionState] = [:],
        controller: ControllerRegistration? = nil
    ) {
        self.brokers = brokers
        self.topics = topics
        self.configs = configs
        self.partitions = partitions
        self.controller = controller
    }

    public func replicas(of partition: TopicPartition) -> [Int32]? {
        topics[partition.topic]?.replicas(of: partition.partition)
    }

    public func state(of partition: TopicPartition) -> PartitionState? { partitions[partition] }

    /// The topic with this id (AlterPartition v2+ and Fetch v13+ name topics by id).
    public func topic(id: KafkaUUID) -> TopicAssignment? { topics.values.first { $0.topicID == id } }

    /// Every partition of every topic, sorted by topic then partition.
    public var allPartitions: [TopicPartition] {
        topics.keys.sorted().flatMap { topics[$0]?.topicPartitions ?? [] }
    }

    /// The partitions that have `broker` among their replicas, with their replicas.
    public func partitions(onBroker broker: Int32) -> [(TopicPartition, [Int32])] {
        var found: [(TopicPartition, [Int32])] = []
        for name in topics.keys.sorted() {
            guard let topic = topics[name] else { continue }
            for (index, replicas) in topic.partitions.enumerated() where replicas.contains(broker) {
                found.append((TopicPartition(topic: name, partition: Int32(index)), replicas))
            }
        }
        return found
    }
}

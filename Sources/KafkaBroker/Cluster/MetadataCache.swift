import Cluster
import KafkaProtocol
import LogStorage
import Synchronization

/// The broker's copy of the cluster metadata, as its follower last saw it: brokers, topics with
/// their assignments and configs, partition leaders and ISRs, the controller. Request handlers
/// read it without waiting; the cluster task replaces it on every change.
public final class MetadataCache: Sendable {
    public let localBrokerId: Int32

    private struct Snapshot: Sendable {
        var image = MetadataImage()
        var clusterId = ""
        var topicsById: [KafkaUUID: String] = [:]
    }
    private let snapshot = Mutex(Snapshot())

    public init(localBrokerId: Int32) {
        self.localBrokerId = localBrokerId
    }

    func update(_ image: MetadataImage, clusterId: String) {
        let byId = Dictionary(image.topics.values.map { ($0.topicID, $0.name) }, uniquingKeysWith: { first, _ in first })
        snapshot.withLock { $0 = Snapshot(image: image, clusterId: clusterId, topicsById: byId) }
    }

    public var image: MetadataImage { snapshot.withLock { $0.image } }
    public var clusterId: String { snapshot.withLock { $0.clusterId } }

    public func topic(named name: String) -> TopicAssignment? { snapshot.withLock { $0.image.topics[name] } }

    public func topic(id: KafkaUUID) -> TopicAssignment? {
        snapshot.withLock { s in s.topicsById[id].flatMap { s.image.topics[$0] } }
    }

    public func configs(topic: String) -> [String: String] { snapshot.withLock { $0.image.configs[topic] ?? [:] } }

    public func state(of partition: TopicPartition) -> PartitionState? { snapshot.withLock { $0.image.partitions[partition] } }

    public var brokers: [BrokerRegistration] {
        snapshot.withLock { $0.image.brokers.values.sorted { $0.id < $1.id } }
    }

    public func broker(_ id: Int32) -> BrokerRegistration? { snapshot.withLock { $0.image.brokers[id] } }

    public var controllerId: Int32? { snapshot.withLock { $0.image.controller?.brokerID } }

    /// The broker leading `partition` now, if it is alive.
    public func leader(of partition: TopicPartition) -> BrokerRegistration? {
        snapshot.withLock { s in
            guard let state = s.image.partitions[partition], state.hasLeader else { return nil }
            return s.image.brokers[state.leader]
        }
    }
}

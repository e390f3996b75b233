import LogStorage

/// One change the follower applied to its image, as read from the store.
public enum MetadataDelta: Sendable, Hashable {
    /// The live brokers now.
    case brokers([BrokerRegistration])
    /// A topic appeared or its assignment changed; with its configs.
    case topicChanged(TopicAssignment, configs: [String: String])
    case topicDeleted(String)
    case topicConfigChanged(String, [String: String])
    /// Partition states read (nil: the state does not exist).
    case partitionStates([TopicPartition: PartitionState?])
    case controller(ControllerRegistration?)
}

/// What subscribers of a follower receive: the deltas, and the image after them.
public struct MetadataUpdate: Sendable {
    public var deltas: [MetadataDelta]
    public var image: MetadataImage
}

extension MetadataImage {
    /// Applies a delta (the follower's only way of changing its image).
    public mutating func apply(_ delta: MetadataDelta) {
        switch delta {
        case .brokers(let list):
            brokers = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        case .topicChanged(let topic, let configs):
            if let old = topics[topic.name], old.topicID != topic.topicID { apply(.topicDeleted(topic.name)) }
            topics[topic.name] = topic
            self.configs[topic.name] = configs
        case .topicDeleted(let name):
            if let topic = topics.removeValue(forKey: name) {
                for partition in topic.topicPartitions { partitions[partition] = nil }
            }
            configs[name] = nil
        case .topicConfigChanged(let name, let values):
            if topics[name] != nil { configs[name] = values }
        case .partitionStates(let states):
            for (partition, state) in states where replicas(of: partition) != nil { partitions[partition] = state }
        case .controller(let registration):
            controller = registration
        }
    }
}

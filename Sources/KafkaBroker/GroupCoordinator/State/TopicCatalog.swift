import KafkaProtocol

/// The topics a KIP-848 group can subscribe to, as the coordinator sees them when it handles a
/// request. Handed to the shard so that the shard stays free of I/O and shared state; tests use
/// `StaticTopicCatalog`.
public protocol TopicCatalog: Sendable {
    func topic(named name: String) -> SubscribedTopic?
    func topic(id: KafkaUUID) -> SubscribedTopic?
    /// Every topic a regex subscription may match (internal topics excluded).
    func topicNames() -> [String]
}

/// A fixed set of topics.
public struct StaticTopicCatalog: TopicCatalog {
    public var topics: [String: SubscribedTopic]

    public init(_ topics: [SubscribedTopic]) {
        self.topics = Dictionary(topics.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    public func topic(named name: String) -> SubscribedTopic? { topics[name] }
    public func topic(id: KafkaUUID) -> SubscribedTopic? { topics.values.first { $0.id == id } }
    public func topicNames() -> [String] { topics.keys.sorted() }
}

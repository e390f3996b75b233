import KafkaProtocol

/// The broker's topics as KIP-848 groups see them (internal topics are never subscribed).
struct RegistryTopicCatalog: TopicCatalog {
    let topics: TopicRegistry

    func topic(named name: String) -> SubscribedTopic? {
        guard let state = topics.topic(named: name), !state.metadata.isInternal else { return nil }
        return SubscribedTopic(id: state.metadata.id, name: name, partitions: state.metadata.partitionCount)
    }

    func topic(id: KafkaUUID) -> SubscribedTopic? {
        guard let state = topics.topic(id: id), !state.metadata.isInternal else { return nil }
        return SubscribedTopic(id: id, name: state.metadata.name, partitions: state.metadata.partitionCount)
    }

    func topicNames() -> [String] {
        topics.allTopics().filter { !$0.metadata.isInternal }.map(\.metadata.name)
    }
}

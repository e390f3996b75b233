import KafkaProtocol
import Synchronization

/// What the config handlers need from topic metadata: a topic's overrides and a way to replace
/// them. TopicRegistry provides it; tests can use an in-memory store.
public protocol TopicConfigStore: Sendable {
    /// The topic's config overrides; nil if there is no such topic.
    func configOverrides(topic: String) -> [String: String]?
    /// Replaces the whole override set (persisted and applied to the topic's logs).
    func replaceConfigOverrides(topic: String, _ overrides: [String: String]) throws(BrokerError)
}

extension TopicRegistry: TopicConfigStore {
    public func configOverrides(topic: String) -> [String: String]? {
        self.topic(named: topic)?.metadata.configs
    }

    public func replaceConfigOverrides(topic: String, _ overrides: [String: String]) throws(BrokerError) {
        try setConfigs(topic: topic, overrides)
    }
}

/// Serializes config alters, so two IncrementalAlterConfigs on one topic cannot both read the
/// old overrides and lose one of the changes.
final class ConfigAlterLock: Sendable {
    private let mutex = Mutex(())

    func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try mutex.withLock { _ throws(E) in try body() }
    }
}

/// Registers the DescribeConfigs, AlterConfigs and IncrementalAlterConfigs handlers.
public enum ConfigHandlers {
    public static func register(
        in registry: inout ApiRegistry, services: BrokerServices, broker: BrokerConfig, resolver: TopicConfigResolver
    ) {
        register(
            in: &registry, store: services.topics, nodeId: services.identity.nodeId, resolver: resolver, admin: services.admin)
    }

    public static func register(
        in registry: inout ApiRegistry, store: any TopicConfigStore, nodeId: Int32, resolver: TopicConfigResolver,
        admin: AdminExecutor
    ) {
        let alter = ConfigAlterSupport(store: store, resolver: resolver, nodeId: nodeId, lock: ConfigAlterLock())
        registry.register(DescribeConfigsHandler(topics: store, resolver: resolver, nodeId: nodeId))
        // Alters persist the metadata file (fsync), so they run off the event loop.
        registry.register(OffloadedHandler(AlterConfigsHandler(support: alter), on: admin))
        registry.register(OffloadedHandler(IncrementalAlterConfigsHandler(support: alter), on: admin))
    }
}

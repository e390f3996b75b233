import KafkaProtocol
import Synchronization

/// What the config handlers need from topic metadata: a topic's overrides and a way to replace
/// them. TopicRegistry provides it; tests can use an in-memory store.
public protocol TopicConfigStore: Sendable {
    /// The topic's config overrides; nil if there is no such topic.
    func configOverrides(topic: String) -> [String: String]?
    /// Replaces the whole override set (stored in the cluster metadata and applied to the
    /// topic's logs on every broker).
    func replaceConfigOverrides(topic: String, _ overrides: [String: String]) async throws(BrokerError)
}

extension TopicRegistry: TopicConfigStore {
    public func configOverrides(topic: String) -> [String: String]? {
        self.topic(named: topic)?.metadata.configs
    }

    public func replaceConfigOverrides(topic: String, _ overrides: [String: String]) async throws(BrokerError) {
        try await setConfigs(topic: topic, overrides)
    }
}

/// Serializes config alters on this broker, so two IncrementalAlterConfigs on one topic cannot
/// both read the old overrides and lose one of the changes. An alter waits on the metadata
/// store, so this is an async lock: waiters queue in arrival order.
final class ConfigAlterLock: Sendable {
    private struct State {
        var held = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    func run<T: Sendable>(_ body: () async throws(BrokerError) -> T) async throws(BrokerError) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let granted = state.withLock { s -> Bool in
                if s.held {
                    s.waiters.append(continuation)
                    return false
                }
                s.held = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiters.isEmpty {
                s.held = false
                return nil
            }
            return s.waiters.removeFirst()
        }
        next?.resume()
    }
}

/// Registers the DescribeConfigs, AlterConfigs and IncrementalAlterConfigs handlers.
public enum ConfigHandlers {
    public static func register(
        in registry: inout ApiRegistry, services: BrokerServices, broker: BrokerConfig, resolver: TopicConfigResolver
    ) {
        register(in: &registry, store: services.topics, nodeId: services.identity.nodeId, resolver: resolver)
    }

    public static func register(
        in registry: inout ApiRegistry, store: any TopicConfigStore, nodeId: Int32, resolver: TopicConfigResolver
    ) {
        let alter = ConfigAlterSupport(store: store, resolver: resolver, nodeId: nodeId, lock: ConfigAlterLock())
        registry.register(DescribeConfigsHandler(topics: store, resolver: resolver, nodeId: nodeId))
        registry.register(AlterConfigsHandler(support: alter))
        registry.register(IncrementalAlterConfigsHandler(support: alter))
    }
}

import Logging
import Synchronization

/// Creates the coordinators' internal topics (`__consumer_offsets`, `__transaction_state`) once
/// the cluster has enough brokers for their replication factor, as Kafka does on first use;
/// until then their coordinators answer COORDINATOR_NOT_AVAILABLE. Any broker may create them;
/// a topic another broker created first counts as done.
final class InternalTopics: Sendable {
    struct Wanted: Sendable {
        var name: String
        var partitions: Int32
        var replicationFactor: Int16
        var configs: [String: String]
    }

    private let topics: TopicRegistry
    private let wanted: [Wanted]
    private let logger: Logger
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(topics: TopicRegistry, wanted: [Wanted], logger: Logger) {
        self.topics = topics
        self.wanted = wanted
        self.logger = logger
    }

    func start() {
        let task = Task { [topics, wanted, logger] in
            var missing = wanted
            while !missing.isEmpty, !Task.isCancelled {
                for topic in missing where topics.topic(named: topic.name) == nil
                    && topics.cache.brokers.count >= Int(topic.replicationFactor) {
                    do throws(BrokerError) {
                        try await topics.createTopic(
                            name: topic.name, partitions: topic.partitions, replicationFactor: topic.replicationFactor,
                            configs: topic.configs)
                    } catch where error.code == .topicAlreadyExists {
                        continue
                    } catch {
                        logger.warning("cannot create internal topic yet", metadata: ["topic": "\(topic.name)", "error": "\(error)"])
                    }
                }
                missing.removeAll { topics.topic(named: $0.name) != nil }
                if !missing.isEmpty { try? await Task.sleep(for: .milliseconds(500)) }
            }
        }
        self.task.withLock { $0 = task }
    }

    func stop() {
        task.withLock { task in
            task?.cancel()
            task = nil
        }
    }
}

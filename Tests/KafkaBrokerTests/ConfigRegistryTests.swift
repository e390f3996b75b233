import Foundation
import KafkaProtocol
import LogStorage
import Logging
import Testing
import TestSupport

@testable import KafkaBroker

/// The config handlers against the real TopicRegistry: changes are persisted, applied to the
/// open logs, and survive reopening the data directory.
@Suite struct ConfigRegistryTests {
    func open(_ dir: String, _ resolver: TopicConfigResolver) throws -> (LogManager, TopicRegistry) {
        let logger = Logger(label: "config-registry-tests")
        let manager = try LogManager(dataDir: dir, logger: logger)
        let registry = try TopicRegistry(dataDir: dir, logManager: manager, logger: logger, logConfig: { resolver.logConfig(overrides: $0) })
        return (manager, registry)
    }

    @Test func alteredConfigsReachTheLogsAndSurviveReopen() throws {
        let dir = try TempDirectory.make(prefix: "petrel-config-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let resolver = TopicConfigResolver(broker: try BrokerConfig(properties: ["log.retention.hours": "1"]))
        let (manager, registry) = try open(dir, resolver)
        try registry.createTopic(name: "orders", partitions: 2, replicationFactor: 1, configs: ["segment.bytes": "16384"])
        #expect(registry.partition(topic: "orders", index: 1)?.log.config.retentionMs == 3_600_000)

        let support = ConfigAlterSupport(store: registry, resolver: resolver, nodeId: 1, lock: ConfigAlterLock())
        let request = IncrementalAlterConfigsRequest(resources: [
            ConfigHandlerFixture.topic("orders", set: [("retention.ms", 0, "5000"), ("cleanup.policy", 2, "compact")]),
        ])
        let handled = IncrementalAlterConfigsHandler(support: support)
            .handle(request, context: ConfigHandlerFixture.context(.incrementalAlterConfigs, version: 1))
        let response = try ConfigHandlerFixture.response(handled)
        #expect(response.responses.map(\.errorCode) == [0])
        let expected = ["segment.bytes": "16384", "retention.ms": "5000", "cleanup.policy": "delete,compact"]
        #expect(registry.configOverrides(topic: "orders") == expected)
        for index in Int32(0)..<2 {
            let config = registry.partition(topic: "orders", index: index)?.log.config
            #expect(config?.retentionMs == 5000)
            #expect(config?.segmentBytes == 16384)
            #expect(config?.cleanupPolicy == [.delete, .compact])
        }
        manager.closeAll()

        let (reopenedManager, reopened) = try open(dir, resolver)
        defer { reopenedManager.closeAll() }
        #expect(reopened.configOverrides(topic: "orders") == expected)
        #expect(reopened.partition(topic: "orders", index: 0)?.log.config.retentionMs == 5000)
        #expect(reopened.configOverrides(topic: "missing") == nil)
    }
}

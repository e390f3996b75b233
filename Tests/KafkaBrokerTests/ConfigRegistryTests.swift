import Foundation
import KafkaProtocol
import LogStorage
import Logging
import Testing
import TestSupport

@testable import KafkaBroker

/// The config handlers against the real TopicRegistry: changes are stored in the cluster
/// metadata, applied to the open logs, and survive a restart of the broker.
@Suite struct ConfigRegistryTests {
    @Test func alteredConfigsReachTheLogsAndSurviveRestart() async throws {
        let fixture = try await BrokerFixture.make(properties: ["log.retention.hours": "1"])
        let resolver = try #require(fixture.options.configPolicy as? TopicConfigResolver)
        try await fixture.createTopic(name: "orders", partitions: 2, configs: ["segment.bytes": "16384"])
        #expect(fixture.topics.partition(topic: "orders", index: 1)?.log.config.retentionMs == 3_600_000)

        let support = ConfigAlterSupport(store: fixture.topics, resolver: resolver, nodeId: 1, lock: ConfigAlterLock())
        let request = IncrementalAlterConfigsRequest(resources: [
            ConfigHandlerFixture.topic("orders", set: [("retention.ms", 0, "5000"), ("cleanup.policy", 2, "compact")]),
        ])
        let response = await IncrementalAlterConfigsHandler(support: support)
            .handle(request, context: ConfigHandlerFixture.context(.incrementalAlterConfigs, version: 1))
        #expect(response.responses.map(\.errorCode) == [0])
        let expected = ["segment.bytes": "16384", "retention.ms": "5000", "cleanup.policy": "delete,compact"]
        #expect(fixture.topics.configOverrides(topic: "orders") == expected)
        // The cache shows the change when the alter returns; the logs get it as this broker applies it.
        let topics = fixture.topics
        try await BrokerFixture.waitFor("the new configs on the logs of orders") {
            (0..<2).allSatisfy { topics.partition(topic: "orders", index: $0)?.log.config.retentionMs == 5000 } ? true : nil
        }
        for index in Int32(0)..<2 {
            let config = fixture.topics.partition(topic: "orders", index: index)?.log.config
            #expect(config?.retentionMs == 5000)
            #expect(config?.segmentBytes == 16384)
            #expect(config?.cleanupPolicy == [.delete, .compact])
        }

        try await fixture.restart(clean: true)
        #expect(fixture.topics.configOverrides(topic: "orders") == expected)
        let reopened = try await fixture.waitForLeader(topic: "orders", partition: 0)
        #expect(reopened.log.config.retentionMs == 5000)
        #expect(fixture.topics.configOverrides(topic: "missing") == nil)
    }
}

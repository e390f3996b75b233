import Foundation
import KafkaProtocol
import LogStorage
import Logging
import Testing
import TestSupport

@testable import KafkaBroker

/// Topic creation is all or nothing, across failures and restarts.
@Suite struct TopicRegistryTests {
    let logger = Logger(label: "topic-registry-tests")

    func open(_ dir: String) throws -> (LogManager, TopicRegistry) {
        let manager = try LogManager(dataDir: dir, logger: logger)
        let registry = try TopicRegistry(dataDir: dir, logManager: manager, logger: logger, logConfig: { _ in LogConfig() })
        return (manager, registry)
    }

    @Test func aCreateThatFailsHalfwayLeavesNoTopicAndNoLogs() throws {
        let dir = try TempDirectory.make(prefix: "petrel-registry-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (manager, registry) = try open(dir)
        // Partition 2's directory belongs to another topic id, so creating t-2 fails.
        _ = try manager.openOrCreateLog(topic: "t", partition: 2, topicId: KafkaUUID.random(), config: LogConfig())
        #expect(throws: BrokerError.self) {
            try registry.createTopic(name: "t", partitions: 4, replicationFactor: 1, configs: [:])
        }
        #expect(registry.topic(named: "t") == nil)
        #expect(manager.log(topic: "t", partition: 0) == nil)
        #expect(manager.log(topic: "t", partition: 1) == nil)
        manager.closeAll()

        // The stray t-2 goes at the next start, and the name can be used afresh.
        let (manager2, registry2) = try open(dir)
        defer { manager2.closeAll() }
        #expect(registry2.topic(named: "t") == nil)
        #expect(manager2.log(topic: "t", partition: 2) == nil)
        let created = try registry2.createTopic(name: "t", partitions: 4, replicationFactor: 1, configs: [:])
        #expect(created.partitions.count == 4)
    }

    @Test func morePartitionsThanOneRequestMayAddIsAPolicyViolation() throws {
        let dir = try TempDirectory.make(prefix: "petrel-registry-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (manager, registry) = try open(dir)
        defer { manager.closeAll() }
        let error = #expect(throws: BrokerError.self) {
            try registry.createTopic(name: "huge", partitions: 10_001, replicationFactor: 1, configs: [:])
        }
        #expect(error?.code == .policyViolation)
        try registry.createTopic(name: "small", partitions: 1, replicationFactor: 1, configs: [:])
        let grow = #expect(throws: BrokerError.self) { try registry.addPartitions(topic: "small", totalCount: 10_002) }
        #expect(grow?.code == .policyViolation)
        #expect(registry.topic(named: "huge") == nil)
        #expect(registry.topic(named: "small")?.partitions.count == 1)
    }

    @Test func partitionsMayNotTakeTheDescriptorsConnectionsNeed() throws {
        let budget = PartitionBudget(descriptorLimit: { 4096 }, openDescriptors: { 1000 })
        try budget.check(adding: 2072)  // 3072 of 4096: exactly three quarters
        let error = #expect(throws: BrokerError.self) { try budget.check(adding: 2073) }
        #expect(error?.code == .policyViolation)
        #expect(error?.message.contains("ulimit -n") == true)
        // Where the limit cannot be read only the per-request cap applies.
        try PartitionBudget(descriptorLimit: { nil }, openDescriptors: { nil }).check(adding: 10_000)
    }
}

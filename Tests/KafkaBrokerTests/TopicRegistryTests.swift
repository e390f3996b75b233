import Foundation
import KafkaProtocol
import LogStorage
import Logging
import Testing
import TestSupport

@testable import KafkaBroker

/// Topic creation is all or nothing, across refusals and restarts: a topic is one write to the
/// cluster metadata store, and the logs on disk follow the metadata (a partition directory no
/// topic owns goes at start; one left by an older topic of the same name is replaced).
@Suite struct TopicRegistryTests {
    /// Topic names in the cluster metadata store itself, not this broker's cache.
    static func storedTopics(_ fixture: BrokerFixture) async throws -> [String] {
        let store = try #require(await fixture.services.cluster.node.store)
        return try await store.topicNames(watch: nil)
    }

    /// A log of `topic` partition `partition` written by another topic id, holding one record.
    static func foreignLog(in dataDir: String, topic: String, partition: Int32) throws {
        let manager = try LogManager(dataDir: dataDir, logger: BrokerFixture.logger)
        defer { manager.closeAll() }
        if manager.log(topic: topic, partition: partition) != nil { try manager.deleteLog(topic: topic, partition: partition) }
        let log = try manager.openOrCreateLog(topic: topic, partition: partition, topicId: KafkaUUID.random(), config: LogConfig())
        let batch = try BrokerFixture.batch(["stale"])
        _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
    }

    @Test func aRefusedCreateLeavesNoTopicAndNoLogs() async throws {
        let fixture = try await BrokerFixture.make()
        try await fixture.createTopic(name: "a.b", partitions: 1)
        let refusals: [(name: String, partitions: Int32, replicationFactor: Int16, code: ErrorCode)] = [
            ("t", 4, 2, .invalidReplicationFactor),  // one broker cannot hold two replicas
            ("t", 10_001, 1, .policyViolation),
            ("a_b", 4, 1, .invalidTopicException),  // collides with a.b
        ]
        for refusal in refusals {
            let error = await #expect(throws: BrokerError.self) {
                try await fixture.topics.createTopic(
                    name: refusal.name, partitions: refusal.partitions, replicationFactor: refusal.replicationFactor, configs: [:])
            }
            #expect(error?.code == refusal.code, "\(refusal)")
            #expect(fixture.topics.topic(named: refusal.name) == nil)
            #expect(fixture.services.logManager.log(topic: refusal.name, partition: 0) == nil)
        }
        #expect(try await Self.storedTopics(fixture).filter { !TopicMetadata.isInternal($0) } == ["a.b"])

        // Nothing comes back at the next start, and the name can be used afresh.
        try await fixture.restart(clean: false)
        #expect(fixture.topics.topic(named: "t") == nil && fixture.topics.topic(named: "a_b") == nil)
        #expect(fixture.services.logManager.allLogs.keys.allSatisfy { $0.topic != "t" && $0.topic != "a_b" })
        let created = try await fixture.createTopic(name: "t", partitions: 4)
        #expect(created.metadata.partitionCount == 4 && created.local.count == 4)
    }

    @Test func aStrayLogIsRemovedAtStartAndTheNameCanBeUsedAfresh() async throws {
        let fixture = try await BrokerFixture.make()
        try await fixture.restart(clean: true, whileStopped: {
            // A partition directory whose topic the metadata does not have (deleted while this
            // broker was away, or half created by an older Petrel).
            try Self.foreignLog(in: fixture.dataDir, topic: "t", partition: 2)
        })
        #expect(fixture.topics.topic(named: "t") == nil)
        #expect(fixture.services.logManager.log(topic: "t", partition: 2) == nil)
        #expect(!FileManager.default.fileExists(atPath: fixture.dataDir + "/t-2"))

        let created = try await fixture.createTopic(name: "t", partitions: 4)
        #expect(created.local.count == 4)
        let replica = try await fixture.waitForLeader(topic: "t", partition: 2)
        #expect(replica.topicId == created.metadata.id && replica.logEndOffset == 0)
    }

    @Test func aLogOfAnOlderTopicOfTheSameNameIsReplaced() async throws {
        let fixture = try await BrokerFixture.make()
        let created = try await fixture.createTopic(name: "u", partitions: 2)
        try await fixture.restart(clean: true, whileStopped: {
            // u-1 now holds another topic id's data: the topic was deleted and created again
            // while this broker was away.
            try Self.foreignLog(in: fixture.dataDir, topic: "u", partition: 1)
        })
        let replica = try await fixture.waitForLeader(topic: "u", partition: 1)
        #expect(replica.topicId == created.metadata.id)
        #expect(replica.logEndOffset == 0)
        // On disk too: the directory is the topic's own again.
        #expect(throws: StorageError.self) {
            try fixture.services.logManager.openOrCreateLog(topic: "u", partition: 1, topicId: KafkaUUID.random(), config: LogConfig())
        }
        #expect(fixture.services.logManager.log(topic: "u", partition: 1) === replica.log)
    }

    @Test func morePartitionsThanOneRequestMayAddIsAPolicyViolation() async throws {
        let fixture = try await BrokerFixture.make()
        let registry = fixture.topics
        let error = await #expect(throws: BrokerError.self) {
            try await registry.createTopic(name: "huge", partitions: 10_001, replicationFactor: 1, configs: [:])
        }
        #expect(error?.code == .policyViolation)
        try await fixture.createTopic(name: "small", partitions: 1)
        let grow = await #expect(throws: BrokerError.self) { try await registry.addPartitions(topic: "small", totalCount: 10_002) }
        #expect(grow?.code == .policyViolation)
        #expect(registry.topic(named: "huge") == nil)
        #expect(registry.topic(named: "small")?.metadata.partitionCount == 1)
        #expect(registry.topic(named: "small")?.local.count == 1)
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

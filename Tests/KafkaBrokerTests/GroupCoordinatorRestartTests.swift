import Foundation
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Testing

@testable import KafkaBroker

@Suite struct GroupCoordinatorRestartTests {
    typealias Shard = GroupCoordinatorShardTests

    @Test func internalTopicIsCreatedCompactedWithFiftyPartitions() async throws {
        let fixture = try await GroupCoordinatorFixture.make(partitions: GroupCoordinatorConfig().offsetsTopicPartitions)
        let topic = try #require(fixture.topics.topic(named: "__consumer_offsets"))
        #expect(topic.metadata.partitionCount == 50 && topic.local.count == 50)
        #expect(topic.partitionIndexes.allSatisfy { topic.partition($0)?.isLeader == true })
        #expect(topic.metadata.isInternal)
        #expect(topic.metadata.replicationFactor == 1)
        #expect(topic.metadata.configs["cleanup.policy"] == "compact")
        #expect(topic.metadata.configs["segment.bytes"] == "104857600")
        #expect(topic.partition(0)?.log.config.isCompacted == true)
        #expect(fixture.coordinator.partitionFor(groupId: "hello") == 22)
    }

    @Test(arguments: [true, false])
    func committedOffsetsSurviveRestart(clean: Bool) async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        try await fixture.createTopic(name: "t1", partitions: 3)
        try await fixture.createTopic(name: "t2", partitions: 1)
        // The restart test's commit: generation -1, empty member id, no JoinGroup (v9 as librdkafka).
        let request = Shard.commit("g", [("t1", 0, 17), ("t1", 1, 5), ("t2", 0, 99)], metadata: "meta-g", epoch: 4)
        let response = await fixture.offsetCommit.response(to: request, version: 9)
        #expect(Shard.codes(response) == [0, 0, 0])
        // Another group in (most likely) another partition, then one replaced offset.
        _ = await fixture.offsetCommit.response(to: Shard.commit("other", [("t1", 2, 1)]), version: 3)
        _ = await fixture.offsetCommit.response(to: Shard.commit("other", [("t1", 2, 2)]), version: 3)
        let before = fixture.fetch("g", [("t1", [0, 1, 2]), ("t2", [0])])
        #expect(before == ["t1-0": 17, "t1-1": 5, "t1-2": -1, "t2-0": 99])
        let partition = fixture.coordinator.partitionFor(groupId: "g")
        let stateBefore = try #require(fixture.coordinator.snapshot(partition: partition))

        try await fixture.restart(clean: clean)

        #expect(fixture.fetch("g", [("t1", [0, 1, 2]), ("t2", [0])]) == before)
        #expect(fixture.fetch("other", nil, version: 7) == ["t1-2": 2])
        #expect(fixture.coordinator.snapshot(partition: partition) == stateBefore)
        let v9 = fixture.offsetFetch.response(
            to: OffsetFetchRequest(groups: [.init(groupId: "g", topics: [.init(name: "t1", partitionIndexes: [0])])]), version: 9)
        let p0 = try #require(v9.groups.first?.topics.first?.partitions.first)
        #expect(p0.committedOffset == 17 && p0.committedLeaderEpoch == 4 && p0.metadata == "meta-g")
    }

    @Test func eachCommitIsOneBatchInTheGroupsPartition() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        try await fixture.createTopic(name: "t", partitions: 2)
        let owner = fixture.coordinator.partitionFor(groupId: "g")
        let log = try #require(fixture.topics.partition(topic: "__consumer_offsets", index: owner)).log
        _ = await fixture.offsetCommit.response(to: Shard.commit("g", [("t", 0, 1), ("t", 1, 2)]), version: 8)
        #expect(log.logEndOffset == 2)
        let read = try log.read(from: 0, maxBytes: 1 << 20, maxOffset: .max, minOneBatch: true)
        var batches = RecordBatchIterator(try read.readBytes())
        let first = batches.next()
        let second = batches.next()
        #expect(first?.header.recordCount == 2)
        #expect(second == nil)
        // Only the owning partition was written.
        for index in 0..<fixture.coordinator.partitionCount where index != owner {
            #expect(fixture.topics.partition(topic: "__consumer_offsets", index: index)?.log.logEndOffset == 0)
        }
    }

    @Test func rejectedCommitsStoreNothing() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        try await fixture.createTopic(name: "t", partitions: 1)
        let owner = fixture.coordinator.partitionFor(groupId: "never")
        let response = await fixture.offsetCommit.response(to: Shard.commit("never", generation: 5, member: "m", [("t", 0, 3)]), version: 7)
        #expect(Shard.codes(response) == [ErrorCode.illegalGeneration.rawValue])
        #expect(fixture.topics.partition(topic: "__consumer_offsets", index: owner)?.log.logEndOffset == 0)
        try await fixture.restart(clean: false)
        #expect(fixture.fetch("never", [("t", [0])]) == ["t-0": -1])
    }

    @Test func existingTopicKeepsItsPartitionCount() async throws {
        let fixture = try await GroupCoordinatorFixture.make(partitions: 3)
        try await fixture.createTopic(name: "t", partitions: 1)
        _ = await fixture.offsetCommit.response(to: Shard.commit("my-group", [("t", 0, 8)]), version: 8)
        // The config now says 50, but groups must stay where they were written.
        try await fixture.restart(clean: true, config: GroupCoordinatorConfig())
        #expect(fixture.coordinator.partitionCount == 3)
        #expect(fixture.fetch("my-group", [("t", [0])]) == ["t-0": 8])
    }

    /// Batches another writer could leave in the log: compressed, transactional with its
    /// marker, a record type this build skips (a share group's), and a tombstone.
    @Test func loaderReplaysCompressedTransactionalAndForeignBatches() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        let owner = fixture.coordinator.partitionFor(groupId: "g")
        let partition = try #require(fixture.topics.partition(topic: "__consumer_offsets", index: owner))
        func record(_ topic: String, _ p: Int32, _ offset: Int64?) -> (ByteBuffer, ByteBuffer?) {
            let r = CoordinatorRecord.offsetCommit(
                OffsetCommitKey(group: "g", topic: topic, partition: p), offset.map { OffsetCommitValue(offset: $0, commitTimestamp: 1) })
            return (CoordinatorRecordSerde.encodeKey(r), CoordinatorRecordSerde.encodeValue(r))
        }
        var gzip = RecordBatchBuilder(compression: .gzip)
        for (key, value) in [record("a", 0, 1), record("a", 1, 2), record("b", 0, 3)] {
            gzip.append(key: key, value: value, timestamp: 1)
        }
        // A share group record (type 11), which this build skips.
        var shareGroupKey = ByteBuffer()
        shareGroupKey.writeInteger(Int16(11))
        shareGroupKey.writeKafkaString("g", flexible: false)
        gzip.append(key: shareGroupKey, value: ByteBuffer(bytes: [0, 3, 1, 2]), timestamp: 1)
        var txn = RecordBatchBuilder(producerId: 5, producerEpoch: 0, baseSequence: 0, isTransactional: true)
        let (txnKey, txnValue) = record("a", 0, 40)
        txn.append(key: txnKey, value: txnValue, timestamp: 1)
        var aborted = RecordBatchBuilder(producerId: 6, producerEpoch: 0, baseSequence: 0, isTransactional: true)
        let (abortedKey, abortedValue) = record("b", 0, 60)
        aborted.append(key: abortedKey, value: abortedValue, timestamp: 1)
        var tombstone = RecordBatchBuilder()
        let (deadKey, _) = record("a", 1, nil)
        tombstone.append(key: deadKey, value: nil, timestamp: 1)
        for batch in [
            try gzip.build(), try txn.build(), try aborted.build(),
            try RecordBatchBuilder.endTransactionMarker(.commit, producerId: 5, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1),
            try RecordBatchBuilder.endTransactionMarker(.abort, producerId: 6, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1),
            try tombstone.build(),
        ] {
            _ = try partition.appendAsLeader(batch, logAppendTime: nil)
        }
        try await fixture.restart(clean: false)
        #expect(fixture.coordinator.isActive(groupId: "g"))
        #expect(fixture.fetch("g", nil) == ["a-0": 40, "b-0": 3])
        let state = try #require(fixture.coordinator.snapshot(partition: owner))
        #expect(state.pendingTransactionalOffsets.isEmpty && state.openTransactionsByGroup.isEmpty)
    }

    @Test func undecodableRecordFailsOnlyItsShard() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        try await fixture.createTopic(name: "t", partitions: 1)
        let owner = fixture.coordinator.partitionFor(groupId: "g")
        let partition = try #require(fixture.topics.partition(topic: "__consumer_offsets", index: owner))
        var broken = RecordBatchBuilder()
        var key = ByteBuffer()
        key.writeInteger(Int16(1))
        key.writeInteger(Int16(40))  // a group string longer than the key
        broken.append(key: key, value: nil, timestamp: 1)
        let batch = try broken.build()
        _ = try partition.appendAsLeader(batch, logAppendTime: nil)
        try await fixture.restart(clean: true)
        #expect(!fixture.coordinator.isActive(groupId: "g"))
        let response = await fixture.offsetCommit.response(to: Shard.commit("g", [("t", 0, 1)]), version: 8)
        #expect(Shard.codes(response) == [ErrorCode.coordinatorNotAvailable.rawValue])
        // FindCoordinator routes by leadership, as Kafka's does: it names this broker, the
        // partition's leader, and the failed shard refuses the group's own requests.
        let found = fixture.findCoordinator().response(to: FindCoordinatorRequest(key: "g"), version: 1)
        #expect(found.errorCode == 0 && found.nodeId == 1)
        let fetched = fixture.offsetFetch.response(to: OffsetFetchRequest(groupId: "g", topics: [.init(name: "t", partitionIndexes: [0])]), version: 1)
        #expect(fetched.topics.first?.partitions.first?.errorCode == ErrorCode.coordinatorNotAvailable.rawValue)
        // Groups of other partitions are unaffected.
        let other = try #require((0..<1000).lazy.map { "g\($0)" }.first { fixture.coordinator.partitionFor(groupId: $0) != owner })
        #expect(Shard.codes(await fixture.offsetCommit.response(to: Shard.commit(other, [("t", 0, 1)]), version: 8)) == [0])
    }
}

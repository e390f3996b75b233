import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// Replaying the serialized records of a history rebuilds exactly the live state.
@Suite struct GroupCoordinatorReplayTests {
    typealias Shard = GroupCoordinatorShardTests

    @Test func replayOfSerializedRecordsGivesTheSameState() throws {
        var live = GroupCoordinatorShard(partitionIndex: 3, config: GroupCoordinatorConfig())
        var log: [(offset: Int64, key: ByteBuffer, value: ByteBuffer?)] = []
        var next: Int64 = 0
        func run(_ request: OffsetCommitRequest, version: Int16 = 8) throws {
            let result = try live.commitOffset(request, apiVersion: version, now: 1000 + next)
            for record in result.records {
                log.append((next, CoordinatorRecordSerde.encodeKey(record), CoordinatorRecordSerde.encodeValue(record)))
                live.replay(record, offset: next)
                next += 1
            }
        }
        try run(Shard.commit("g1", [("t1", 0, 17), ("t1", 1, 5), ("t2", 0, 99)], metadata: "a", epoch: 2))
        try run(Shard.commit("g2", [("t1", 0, 3)], metadata: nil))
        try run(Shard.commit("g1", [("t1", 0, 18)], timestamp: 5), version: 1)
        try run(Shard.commit("g3", retention: 10_000, [("t9", 4, 4)]), version: 3)
        // A tombstone, as OffsetDelete will write it.
        let tombstone = CoordinatorRecord.offsetCommit(OffsetCommitKey(group: "g2", topic: "t1", partition: 0), nil)
        log.append((next, CoordinatorRecordSerde.encodeKey(tombstone), nil))
        live.replay(tombstone, offset: next)

        var replayed = GroupCoordinatorShard(partitionIndex: 3, config: GroupCoordinatorConfig())
        for entry in log {
            guard case .record(let record) = try CoordinatorRecordSerde.decode(key: entry.key, value: entry.value) else {
                Issue.record("record at \(entry.offset) did not decode")
                continue
            }
            replayed.replay(record, offset: entry.offset)
        }
        #expect(replayed == live)
        #expect(replayed.group("g2") == nil)
        #expect(Shard.offsets(replayed.fetchOffsets(Shard.fetch("g1", nil), requireStable: false)) == ["t1-0": 18, "t1-1": 5, "t2-0": 99])
    }

    @Test func oneBatchPerCommitDecodesBackToTheRecords() throws {
        let records: [CoordinatorRecord] = (0..<3).map {
            .offsetCommit(OffsetCommitKey(group: "g", topic: "t", partition: Int32($0)),
                          OffsetCommitValue(offset: Int64($0) * 10, commitTimestamp: 42))
        }
        let batch = try CoordinatorRecordBatch.build(records, timestamp: 42, allocator: ByteBufferAllocator())
        var batches = RecordBatchIterator(batch)
        let first = batches.next()
        let second = batches.next()
        let view = try #require(first)
        #expect(second == nil)
        #expect(view.header.recordCount == 3 && view.header.producerId == -1 && !view.header.isControl)
        var iterator = try view.recordIterator(maxBytes: 1 << 20)
        var decoded: [CoordinatorRecord] = []
        while let record = try iterator.next() {
            let key = try #require(record.key)
            if case .record(let r) = try CoordinatorRecordSerde.decode(key: key, value: record.value) { decoded.append(r) }
        }
        #expect(decoded == records)
    }
}

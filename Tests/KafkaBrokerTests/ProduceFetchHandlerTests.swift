import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

@Suite struct ProduceFetchHandlerTests {
    func produce(
        _ f: BrokerFixture, topic: String, _ records: ByteBuffer, acks: Int16 = 1, version: Int16 = 9
    ) async throws -> ProduceResponse.PartitionProduceResponse? {
        let handler = ProduceHandler(topics: f.services.topics, metrics: f.services.metrics, clock: WallClock.nowMs)
        let request = ProduceRequest(acks: acks, timeoutMs: 1000, topicData: [.init(name: topic, partitionData: [.init(index: 0, records: .bytes(records))])])
        return try await f.handle(handler, request, version: version).immediate?.responses.first?.partitionResponses.first
    }

    func fetchRequest(_ topic: String, offset: Int64, maxWaitMs: Int32 = 0, partitionMaxBytes: Int32 = 1 << 20) -> FetchRequest {
        FetchRequest(
            replicaId: -1, maxWaitMs: maxWaitMs, minBytes: 1, maxBytes: 50 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
            topics: [.init(topic: topic, partitions: [.init(partition: 0, fetchOffset: offset, partitionMaxBytes: partitionMaxBytes)])])
    }

    func fetchHandler(_ f: BrokerFixture) -> FetchHandler {
        FetchHandler(topics: f.services.topics, sessions: f.services.fetchSessions, metrics: f.services.metrics, cluster: f.services.cluster)
    }

    @Test func produceAssignsConsecutiveOffsetsAndFetchReturnsTheBytes() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 1)
        #expect(try await produce(f, topic: "t", try BrokerFixture.batch(["a", "b", "c"]))?.baseOffset == 0)
        #expect(try await produce(f, topic: "t", try BrokerFixture.batch(["d"], compression: .lz4))?.baseOffset == 3)

        let copied = try await f.handle(fetchHandler(f), fetchRequest("t", offset: 1), version: 12, zeroCopy: false).immediate
        let partition = try #require(copied?.responses.first?.partitions.first)
        #expect(partition.errorCode == 0)
        #expect(partition.highWatermark == 4)
        #expect(partition.lastStableOffset == 4)
        guard case .bytes(let bytes)? = partition.records else {
            Issue.record("a copying fetch returns bytes")
            return
        }
        // The batch containing offset 1 comes back whole, starting at offset 0.
        let offsets = RecordBatchIterator(bytes).map(\.header.baseOffset)
        #expect(offsets == [0, 3])
    }

    @Test func plaintextFetchSendsFileRegions() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "z", partitions: 1)
        _ = try await produce(f, topic: "z", try BrokerFixture.batch(["x"]))
        let response = try await f.handle(fetchHandler(f), fetchRequest("z", offset: 0), version: 12, zeroCopy: true).immediate
        guard case .file(let region)? = response?.responses.first?.partitions.first?.records else {
            Issue.record("zero-copy fetch should carry a file region")
            return
        }
        #expect(region.readableBytes > RecordBatchHeader.size)
        // The region owns a duplicate descriptor; whoever writes it closes it.
        try region.fileHandle.close()
    }

    @Test func invalidAcksAndBadCrcAreRejectedWithoutStoringAnything() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 1)
        #expect(try await produce(f, topic: "t", try BrokerFixture.batch(["a"]), acks: 2)?.errorCode == ErrorCode.invalidRequiredAcks.rawValue)
        var corrupt = try BrokerFixture.batch(["a"])
        corrupt.setInteger(UInt8(0xFF), at: corrupt.writerIndex - 1)
        #expect(try await produce(f, topic: "t", corrupt)?.errorCode == ErrorCode.corruptMessage.rawValue)
        #expect(try await produce(f, topic: "missing", try BrokerFixture.batch(["a"]))?.errorCode == ErrorCode.unknownTopicOrPartition.rawValue)
        #expect(f.services.topics.partition(topic: "t", index: 0)?.logEndOffset == 0)
    }

    @Test func fetchBeyondTheLogEndIsOutOfRange() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 1)
        _ = try await produce(f, topic: "t", try BrokerFixture.batch(["a", "b"]))
        let beyond = try await f.handle(fetchHandler(f), fetchRequest("t", offset: 50), version: 11).immediate
        #expect(beyond?.responses.first?.partitions.first?.errorCode == ErrorCode.offsetOutOfRange.rawValue)
        let atEnd = try await f.handle(fetchHandler(f), fetchRequest("t", offset: 2), version: 11).immediate
        #expect(atEnd?.responses.first?.partitions.first?.errorCode == 0)
    }

    @Test func parkedFetchWakesOnAppend() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 1)
        let result = try await f.handle(fetchHandler(f), fetchRequest("t", offset: 0, maxWaitMs: 60_000), version: 12)
        guard case .later(let future) = result else {
            Issue.record("an empty fetch with max_wait should park")
            return
        }
        let done = Box<FetchResponse?>(nil)
        try await f.loop.executeInContext { future.whenSuccess { done.value = $0 } }
        await f.loop.run()
        #expect(done.value == nil)
        _ = try await produce(f, topic: "t", try BrokerFixture.batch(["wake"]))
        await f.loop.run()
        #expect(done.value?.responses.first?.partitions.first?.highWatermark == 1)
    }

    @Test func parkedFetchAnswersEmptyAtMaxWait() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 1)
        guard case .later(let future) = try await f.handle(fetchHandler(f), fetchRequest("t", offset: 0, maxWaitMs: 500), version: 12) else {
            Issue.record("should park")
            return
        }
        let done = Box<FetchResponse?>(nil)
        try await f.loop.executeInContext { future.whenSuccess { done.value = $0 } }
        await f.loop.advanceTime(by: .milliseconds(499))
        #expect(done.value == nil)
        await f.loop.advanceTime(by: .milliseconds(1))
        #expect(done.value?.responses.first?.partitions.first?.errorCode == 0)
    }
}

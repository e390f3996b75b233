import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// InitProducerId then idempotent Produce through the handlers, as kafka-python's default
/// producer and the conformance idempotence test drive them.
@Suite struct InitProducerIdProduceTests {
    /// acks=-1: answered once the in-sync replicas (here the leader alone) have the records.
    func produce(
        _ f: BrokerFixture, _ records: ByteBuffer, version: Int16 = 8, now: Int64 = 1_700_000_000_000
    ) async throws -> ProduceResponse.PartitionProduceResponse? {
        let handler = ProduceHandler(topics: f.services.topics, metrics: f.services.metrics, clock: { now })
        let request = ProduceRequest(acks: -1, timeoutMs: 1000, topicData: [.init(name: "t", partitionData: [.init(index: 0, records: .bytes(records))])])
        return try await f.response(handler, request, version: version)?.responses.first?.partitionResponses.first
    }

    func batch(_ values: [String], pid: Int64, epoch: Int16, seq: Int32) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(producerId: pid, producerEpoch: epoch, baseSequence: seq)
        for value in values { builder.append(key: nil, value: value, timestamp: 1_700_000_000_000) }
        return try builder.build()
    }

    @Test func replayedBatchIsStoredOnceAndAGapIsRefused() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 1)
        let initHandler = InitProducerIdHandler(producerIds: f.services.producerIds, transactions: f.services.transactionCoordinator)
        let pid = await f.handle(initHandler, InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: -1), version: 2)
        #expect(pid.errorCode == 0 && pid.producerId >= 0 && pid.producerEpoch == 0)

        let first = try batch(["a", "b", "c"], pid: pid.producerId, epoch: pid.producerEpoch, seq: 0)
        let r1 = try await produce(f, first)
        #expect(r1?.errorCode == 0 && r1?.baseOffset == 0 && r1?.logAppendTimeMs == -1)
        let r2 = try await produce(f, first)
        #expect(r2?.errorCode == 0 && r2?.baseOffset == 0 && r2?.logAppendTimeMs == -1)
        let r3 = try await produce(f, try batch(["d"], pid: pid.producerId, epoch: pid.producerEpoch, seq: 3))
        #expect(r3?.errorCode == 0 && r3?.baseOffset == 3)
        let r4 = try await produce(f, try batch(["e"], pid: pid.producerId, epoch: pid.producerEpoch, seq: 10))
        #expect(r4?.errorCode == ErrorCode.outOfOrderSequenceNumber.rawValue)
        #expect(f.services.topics.partition(topic: "t", index: 0)?.logEndOffset == 4)
    }

    @Test func retryOnALogAppendTimeTopicRepeatsTheOriginalTime() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 1, configs: ["message.timestamp.type": "LogAppendTime"])
        let records = try batch(["x"], pid: 77, epoch: 0, seq: 0)
        let first = try #require(try await produce(f, records, now: 1_700_000_000_000))
        #expect(first.logAppendTimeMs == 1_700_000_000_000)
        let retry = try #require(try await produce(f, records, now: 1_700_000_005_000))
        #expect(retry.errorCode == 0 && retry.baseOffset == first.baseOffset && retry.logAppendTimeMs == 1_700_000_000_000)
    }
}

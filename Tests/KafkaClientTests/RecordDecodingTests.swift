import KafkaClient
import KafkaProtocol
import NIOCore
import Testing

/// `KafkaClient.decodeRecords`: what a Fetch payload turns into, without a broker.
@Suite struct RecordDecodingTests {
    static func batch(base: Int64, values: [String], compression: CompressionCodec = .none, timestamp: Int64 = 1000)
        throws -> ByteBuffer
    {
        var builder = RecordBatchBuilder(baseOffset: base, compression: compression)
        for (i, v) in values.enumerated() {
            builder.append(key: ByteBuffer(string: "k\(v)"), value: ByteBuffer(string: v), timestamp: timestamp + Int64(i))
        }
        return try builder.build()
    }

    static func values(_ records: [ConsumedRecord]) -> [String] {
        records.map { String(buffer: $0.value ?? ByteBuffer()) }
    }

    @Test func skipsEarlierRecordsAndControlBatchesAndDecompresses() throws {
        var payload = try Self.batch(base: 0, values: ["a", "b", "c"])
        var marker = try RecordBatchBuilder.endTransactionMarker(
            .commit, producerId: 9, producerEpoch: 0, coordinatorEpoch: 1, timestamp: 5, baseOffset: 3)
        payload.writeBuffer(&marker)
        var compressed = try Self.batch(base: 4, values: ["d", "e"], compression: .zstd, timestamp: 2000)
        payload.writeBuffer(&compressed)

        let (records, next) = try KafkaClient.decodeRecords(payload, partition: 7, from: 1)
        #expect(records.map(\.offset) == [1, 2, 4, 5])
        #expect(Self.values(records) == ["b", "c", "d", "e"])
        #expect(records.map { String(buffer: $0.key ?? ByteBuffer()) } == ["kb", "kc", "kd", "ke"])
        #expect(records.map(\.timestamp) == [1001, 1002, 2000, 2001])
        #expect(records.allSatisfy { $0.partition == 7 })
        #expect(next == 6)
    }

    @Test func aControlBatchAloneStillMovesTheNextOffset() throws {
        let marker = try RecordBatchBuilder.endTransactionMarker(
            .abort, producerId: 9, producerEpoch: 0, coordinatorEpoch: 1, timestamp: 5, baseOffset: 10)
        let (records, next) = try KafkaClient.decodeRecords(marker, partition: 0, from: 10)
        #expect(records.isEmpty)
        #expect(next == 11)
    }

    @Test func aTrailingPartialBatchIsIgnored() throws {
        var payload = try Self.batch(base: 0, values: ["a"])
        let second = try Self.batch(base: 1, values: ["b", "c"])
        payload.writeImmutableBuffer(second.getSlice(at: second.readerIndex, length: second.readableBytes - 3) ?? ByteBuffer())
        let (records, next) = try KafkaClient.decodeRecords(payload, partition: 0, from: 0)
        #expect(Self.values(records) == ["a"])
        #expect(next == 1)
    }

    @Test func onlyAPartialBatchMeansMaxBytesIsTooSmall() throws {
        let whole = try Self.batch(base: 0, values: ["a", "b"])
        let partial = whole.getSlice(at: whole.readerIndex, length: whole.readableBytes - 1) ?? ByteBuffer()
        let error = #expect(throws: KafkaClientError.self) { try KafkaClient.decodeRecords(partial, partition: 0, from: 0) }
        guard case .invalidArgument? = error?.kind else {
            Issue.record("expected invalidArgument, got \(String(describing: error))")
            return
        }
    }

    @Test func aFlippedByteFailsTheCRC() throws {
        var payload = try Self.batch(base: 0, values: ["hello"])
        let last = payload.writerIndex - 1
        payload.setInteger((payload.getInteger(at: last, as: UInt8.self) ?? 0) ^ 0xff, at: last)
        let error = #expect(throws: KafkaClientError.self) { try KafkaClient.decodeRecords(payload, partition: 0, from: 0) }
        #expect(error?.code == .corruptMessage)
    }

    @Test func anEmptyPayloadIsNoRecordsAndNoPosition() throws {
        let (records, next) = try KafkaClient.decodeRecords(ByteBuffer(), partition: 0, from: 42)
        #expect(records.isEmpty)
        #expect(next == nil)
    }
}

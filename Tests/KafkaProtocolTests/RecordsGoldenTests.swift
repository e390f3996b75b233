import KafkaProtocol
import NIOCore
import Testing

/// Batches written by kafka-python (an independent encoder) decode to the records it was given.
@Suite struct RecordsGoldenTests {
    struct Expected {
        var key: String?
        var value: String?
        var headers: [(String, String?)]
    }

    static let expected: [Expected] = [
        Expected(key: "key-0", value: "value-0", headers: []),
        Expected(key: nil, value: "value-1 without key", headers: [("h1", "v1"), ("h2", nil)]),
        Expected(key: "key-2", value: nil, headers: []),
        Expected(key: "key-3", value: String(repeating: "x", count: 300), headers: [("trace", "abc")]),
    ]

    static let fixtures: [(String, CompressionCodec)] = [
        (RecordsGoldenFixtures.none, .none), (RecordsGoldenFixtures.gzip, .gzip),
        (RecordsGoldenFixtures.snappyXerial, .snappy), (RecordsGoldenFixtures.snappyRaw, .snappy),
        (RecordsGoldenFixtures.lz4, .lz4), (RecordsGoldenFixtures.zstd, .zstd),
    ]

    @Test(arguments: 0..<fixtures.count)
    func decodesKafkaPythonBatch(fixture: Int) throws {
        let (hex, codec) = Self.fixtures[fixture]
        let buffer = RecordsTestHelpers.bytes(hex: hex)
        var batches = RecordBatchIterator(buffer)
        let viewNext = batches.next()
        let view = try #require(viewNext)
        #expect(batches.next() == nil)
        #expect(batches.stop == nil)

        let header = view.header
        #expect(header.magic == 2)
        #expect(header.compression == codec)
        #expect(header.crcIsValid(in: buffer, at: view.index))
        #expect(header.producerId == 1234 && header.producerEpoch == 5 && header.baseSequence == 42)
        #expect(header.recordCount == 4 && header.lastOffsetDelta == 3)
        #expect(header.baseTimestamp == RecordsGoldenFixtures.baseTimestamp)
        #expect(header.maxTimestamp == RecordsGoldenFixtures.baseTimestamp + 30)
        #expect(header.totalSize == buffer.readableBytes)

        var records = try view.recordIterator(maxBytes: 1 << 20)
        var index = 0
        while let record = try records.next() {
            let want = try #require(index < Self.expected.count ? Self.expected[index] : nil)
            #expect(RecordsTestHelpers.string(record.key) == want.key)
            #expect(RecordsTestHelpers.string(record.value) == want.value)
            #expect(record.offsetDelta == Int32(index))
            #expect(record.timestamp(in: header) == RecordsGoldenFixtures.baseTimestamp + Int64(index) * 10)
            let headers = record.headers.map { ($0.keyString, RecordsTestHelpers.string($0.value)) }
            #expect(headers.map(\.0) == want.headers.map(\.0))
            #expect(headers.map(\.1) == want.headers.map(\.1))
            index += 1
        }
        #expect(index == Self.expected.count)

        let validated = RecordBatchValidator.validate(
            buffer, policy: RecordValidationPolicy(), requestVersion: 9, now: RecordsGoldenFixtures.baseTimestamp)
        #expect((try? validated.get())?.maxRecordTimestamp == RecordsGoldenFixtures.baseTimestamp + 30)
    }

    /// Our uncompressed encoding is byte-identical to kafka-python's for the same records.
    @Test func builderMatchesKafkaPythonBytes() throws {
        // kafka-python writes partition leader epoch 0 where Java writes -1; match it here.
        var builder = RecordBatchBuilder(partitionLeaderEpoch: 0, producerId: 1234, producerEpoch: 5, baseSequence: 42)
        for (i, want) in Self.expected.enumerated() {
            builder.append(
                key: want.key.map { ByteBuffer(string: $0) }, value: want.value.map { ByteBuffer(string: $0) },
                headers: want.headers.map { RecordHeader(key: ByteBuffer(string: $0.0), value: $0.1.map { ByteBuffer(string: $0) }) },
                timestamp: RecordsGoldenFixtures.baseTimestamp + Int64(i) * 10)
        }
        let ours = try builder.build()
        #expect(ours == RecordsTestHelpers.bytes(hex: RecordsGoldenFixtures.none))
    }

    /// Decoding our compressed output with our decoder and comparing the records section with
    /// kafka-python's uncompressed section checks compression end to end.
    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func compressedSectionsInflateToTheSameRecords(codec: CompressionCodec) throws {
        let reference = RecordsTestHelpers.bytes(hex: RecordsGoldenFixtures.none)
        var iterator = RecordBatchIterator(reference)
        let plainSectionNext = iterator.next()
        let plainSection = try #require(plainSectionNext).records
        let compressed = try codec.compress(plainSection)
        #expect(try codec.decompress(compressed, maxOutputBytes: 1 << 20) == plainSection)
    }
}

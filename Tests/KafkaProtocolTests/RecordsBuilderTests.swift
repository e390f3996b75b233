import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordsBuilderTests {
    @Test(arguments: [CompressionCodec.none, .gzip, .snappy, .lz4, .zstd])
    func roundTripsThroughIterator(codec: CompressionCodec) throws {
        var builder = RecordBatchBuilder(
            compression: codec, producerId: 77, producerEpoch: 2, baseSequence: 10, isTransactional: true)
        let header = RecordHeader(key: ByteBuffer(string: "h"), value: ByteBuffer(string: "hv"))
        for i in 0..<200 {
            builder.append(
                key: i % 3 == 0 ? nil : ByteBuffer(string: "key-\(i)"),
                value: i % 5 == 0 ? nil : ByteBuffer(string: String(repeating: "\(i)", count: i)),
                headers: i % 7 == 0 ? [header] : [], timestamp: 5_000 - Int64(i))
        }
        #expect(builder.recordCount == 200)
        let batch = try builder.build()
        var batches = RecordBatchIterator(batch)
        let viewNext = batches.next()
        let view = try #require(viewNext)
        #expect(view.header.compression == codec)
        #expect(view.header.isTransactional)
        #expect(view.header.baseTimestamp == 5_000 && view.header.maxTimestamp == 5_000)
        #expect(view.header.crcIsValid(in: batch, at: 0))
        var records = try view.recordIterator(maxBytes: 1 << 20)
        var i = 0
        while let record = try records.next() {
            #expect(RecordsTestHelpers.string(record.key) == (i % 3 == 0 ? nil : "key-\(i)"))
            #expect(RecordsTestHelpers.string(record.value) == (i % 5 == 0 ? nil : String(repeating: "\(i)", count: i)))
            #expect(record.headerCount == (i % 7 == 0 ? 1 : 0))
            #expect(record.timestamp(in: view.header) == 5_000 - Int64(i))
            #expect(record.offset(in: view.header) == Int64(i))
            i += 1
        }
        #expect(i == 200)
    }

    @Test func logAppendTimeBatchCarriesBrokerTime() throws {
        var builder = RecordBatchBuilder(timestampType: .logAppendTime)
        builder.append(key: "a", value: "b", timestamp: 10)
        let batch = try builder.build(logAppendTime: 99)
        let header = try #require(RecordBatchHeader(buffer: batch, at: 0))
        #expect(header.timestampType == .logAppendTime && header.maxTimestamp == 99)
        var records = RecordIterator(batch.getSlice(at: RecordBatchHeader.size, length: batch.readableBytes - RecordBatchHeader.size) ?? ByteBuffer())
        let recordNext = try records.next()
        let record = try #require(recordNext)
        #expect(record.timestamp(in: header) == 99)
    }

    @Test func emptyBuilderProducesHeaderOnlyBatch() throws {
        let batch = try RecordBatchBuilder().build()
        #expect(batch.readableBytes == RecordBatchHeader.size)
        let header = try #require(RecordBatchHeader(buffer: batch, at: 0))
        #expect(header.recordCount == 0 && header.batchLength == 49)
        #expect(header.crcIsValid(in: batch, at: 0))
    }
}

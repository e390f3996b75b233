import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct CleanerBatchFilterTests {
    /// A batch at base offset 100 with five records k0...k4 (k2 a tombstone) and a header.
    private func batch(_ codec: CompressionCodec, timestampType: TimestampType = .createTime) throws -> (ByteBuffer, RecordBatchHeader) {
        var builder = RecordBatchBuilder(baseOffset: 100, partitionLeaderEpoch: 3, compression: codec, timestampType: timestampType)
        for index in 0..<5 {
            builder.append(
                key: ByteBuffer(string: "k\(index)"), value: index == 2 ? nil : ByteBuffer(string: "value-\(index)"),
                headers: [RecordHeader(key: ByteBuffer(string: "h"), value: ByteBuffer(string: "\(index)"))],
                timestamp: 5_000 + Int64(index) * 10)
        }
        let bytes = try builder.build(logAppendTime: timestampType == .logAppendTime ? 9_999 : nil)
        return (bytes, try #require(RecordBatchHeader(buffer: bytes, at: bytes.readerIndex)))
    }

    private func decode(_ output: ByteBuffer) throws -> [(RecordBatchHeader, [(offset: Int64, key: String, value: String?, timestamp: Int64, header: String)])] {
        var out: [(RecordBatchHeader, [(offset: Int64, key: String, value: String?, timestamp: Int64, header: String)])] = []
        var iterator = RecordBatchIterator(output)
        while let batch = iterator.next() {
            #expect(RecordBatch.crcIsValid(in: batch.bytes, at: batch.bytes.readerIndex))
            var records: [(offset: Int64, key: String, value: String?, timestamp: Int64, header: String)] = []
            var recordIterator = try batch.recordIterator(maxBytes: 1 << 20)
            while let record = try recordIterator.next() {
                let header = record.headers.map { String(buffer: $0.value ?? ByteBuffer()) }.joined()
                records.append((record.offset(in: batch.header), String(buffer: record.key ?? ByteBuffer()),
                                record.value.map { String(buffer: $0) }, record.timestamp(in: batch.header), header))
            }
            out.append((batch.header, records))
        }
        #expect(iterator.stop == nil)
        return out
    }

    @Test(arguments: CompressionCodec.allCases)
    func keptRecordsKeepTheirOffsetsTimestampsAndHeadersUnderTheSameCodec(codec: CompressionCodec) throws {
        let (bytes, header) = try batch(codec)
        var filter = CleanerBatchFilter(maxDecompressedBytes: 1 << 20)
        var output = ByteBuffer()
        let outcome = try filter.filter(
            batch: bytes, header: header, retention: .deleteEmpty, markerForEmptyTransaction: false, horizonMs: 1_000_000,
            into: &output) { _, offset in offset == 101 || offset == 103 }
        #expect(outcome == BatchFilterOutcome(recordsRead: 5, recordsKept: 2, bytesKept: output.readableBytes))
        let batches = try decode(output)
        #expect(batches.count == 1)
        let (rebuilt, records) = try #require(batches.first)
        #expect(rebuilt.baseOffset == 100 && rebuilt.lastOffset == 104 && rebuilt.recordCount == 2)
        #expect(rebuilt.compression == codec && rebuilt.partitionLeaderEpoch == 3 && !rebuilt.hasDeleteHorizon)
        #expect(rebuilt.maxTimestamp == 5_030)
        #expect(records.map(\.offset) == [101, 103])
        #expect(records.map(\.value) == ["value-1", "value-3"])
        #expect(records.map(\.timestamp) == [5_010, 5_030])
        #expect(records.map(\.header) == ["1", "3"])
    }

    @Test func aBatchKeptWholeIsCopiedByteForByte() throws {
        let (bytes, header) = try batch(.lz4)
        var filter = CleanerBatchFilter(maxDecompressedBytes: 1 << 20)
        var output = ByteBuffer()
        // Dropping a record means a rebuilt batch.
        _ = try filter.filter(
            batch: bytes, header: header, retention: .deleteEmpty, markerForEmptyTransaction: false, horizonMs: 1, into: &output
        ) { record, _ in record.value != nil }
        #expect(output != bytes)
        // Keeping every record of a batch without tombstones means the very same bytes.
        var plain = RecordBatchBuilder(baseOffset: 7, compression: .snappy)
        plain.append(key: "a", value: "1", timestamp: 1)
        let plainBytes = try plain.build()
        var copy = ByteBuffer()
        _ = try filter.filter(
            batch: plainBytes, header: try #require(RecordBatchHeader(buffer: plainBytes, at: 0)), retention: .deleteEmpty,
            markerForEmptyTransaction: false, horizonMs: 1, into: &copy) { _, _ in true }
        #expect(copy == plainBytes)
    }

    @Test(arguments: [TimestampType.createTime, .logAppendTime])
    func aKeptTombstoneSetsTheDeleteHorizonWithoutChangingTimestamps(type: TimestampType) throws {
        let (bytes, header) = try batch(.zstd, timestampType: type)
        var filter = CleanerBatchFilter(maxDecompressedBytes: 1 << 20)
        var output = ByteBuffer()
        _ = try filter.filter(
            batch: bytes, header: header, retention: .deleteEmpty, markerForEmptyTransaction: false, horizonMs: 777_000,
            into: &output) { _, _ in true }
        let (rebuilt, records) = try #require(try decode(output).first)
        #expect(rebuilt.hasDeleteHorizon && rebuilt.baseTimestamp == 777_000)
        #expect(rebuilt.timestampType == type && rebuilt.compression == .zstd && rebuilt.recordCount == 5)
        let expected: [Int64] = type == .logAppendTime ? Array(repeating: 9_999, count: 5) : [5_000, 5_010, 5_020, 5_030, 5_040]
        #expect(records.map(\.timestamp) == expected)
        #expect(rebuilt.maxTimestamp == (type == .logAppendTime ? 9_999 : 5_040))

        // A second pass keeps the horizon it found rather than moving it.
        var again = ByteBuffer()
        _ = try filter.filter(
            batch: output, header: rebuilt, retention: .deleteEmpty, markerForEmptyTransaction: false, horizonMs: 999_000,
            into: &again) { _, offset in offset != 100 }
        let (second, secondRecords) = try #require(try decode(again).first)
        #expect(second.hasDeleteHorizon && second.baseTimestamp == 777_000)
        #expect(secondRecords.map(\.timestamp) == Array(expected.dropFirst()))
    }

    @Test func nothingKeptLeavesAnEmptyBatchOnlyWhenAskedTo() throws {
        var builder = RecordBatchBuilder(baseOffset: 40, compression: .gzip, producerId: 5, producerEpoch: 2, baseSequence: 17)
        for index in 0..<3 { builder.append(key: "k\(index)", value: "v", timestamp: 100 + Int64(index)) }
        let bytes = try builder.build()
        let header = try #require(RecordBatchHeader(buffer: bytes, at: 0))
        var filter = CleanerBatchFilter(maxDecompressedBytes: 1 << 20)

        var dropped = ByteBuffer()
        let read = try filter.filter(
            batch: bytes, header: header, retention: .deleteEmpty, markerForEmptyTransaction: false, horizonMs: 0, into: &dropped) { _, _ in false }
        #expect(dropped.readableBytes == 0 && read.recordsRead == 3)

        var skipped = ByteBuffer()
        let unread = try filter.filter(
            batch: bytes, header: header, retention: .delete, markerForEmptyTransaction: false, horizonMs: 0, into: &skipped) { _, _ in
                Issue.record("a deleted batch's records are not looked at")
                return true
            }
        #expect(skipped.readableBytes == 0 && unread.recordsKept == 0)

        var empty = ByteBuffer()
        _ = try filter.filter(
            batch: bytes, header: header, retention: .retainEmpty, markerForEmptyTransaction: false, horizonMs: 0, into: &empty) { _, _ in false }
        let (kept, records) = try #require(try decode(empty).first)
        #expect(records.isEmpty && kept.recordCount == 0 && empty.readableBytes == RecordBatchHeader.size)
        #expect(kept.baseOffset == 40 && kept.lastOffset == 42)
        #expect(kept.producerId == 5 && kept.producerEpoch == 2 && kept.baseSequence == 17 && kept.lastSequence == 19)
        #expect(kept.compression == .none && kept.maxTimestamp == header.maxTimestamp)
    }
}

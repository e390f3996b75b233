import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordsBatchHeaderTests {
    @Test func parsesEveryFieldAtItsOffset() throws {
        var builder = RecordBatchBuilder(
            baseOffset: 0x0102_0304_0506_0708, partitionLeaderEpoch: 77, compression: .none,
            producerId: 9_000_000_001, producerEpoch: 3, baseSequence: 11, isTransactional: true)
        builder.append(key: "a", value: "1", timestamp: 1_000)
        builder.append(key: "b", value: "2", timestamp: 3_000)
        builder.append(key: "c", value: "3", timestamp: 2_000)
        var buffer = ByteBuffer(string: "prefix")
        let batchStart = buffer.writerIndex
        buffer.writeImmutableBuffer(try builder.build())

        let header = try #require(RecordBatchHeader(buffer: buffer, at: batchStart))
        #expect(header.baseOffset == 0x0102_0304_0506_0708)
        #expect(header.partitionLeaderEpoch == 77)
        #expect(header.magic == 2)
        #expect(header.lastOffsetDelta == 2 && header.recordCount == 3)
        #expect(header.baseTimestamp == 1_000 && header.maxTimestamp == 3_000)
        #expect(header.producerId == 9_000_000_001 && header.producerEpoch == 3 && header.baseSequence == 11)
        #expect(header.isTransactional && !header.isControl && !header.hasDeleteHorizon)
        #expect(header.timestampType == .createTime && header.compression == CompressionCodec.none)
        #expect(header.totalSize == buffer.writerIndex - batchStart)
        #expect(header.lastOffset == 0x0102_0304_0506_0708 + 2)
        #expect(header.lastSequence == 13)
        #expect(header.crcIsValid(in: buffer, at: batchStart))
        // Spot-check raw offsets against the published layout.
        #expect(buffer.getInteger(at: batchStart + RecordBatchHeader.recordCountOffset, as: Int32.self) == 3)
        #expect(buffer.getInteger(at: batchStart + RecordBatchHeader.magicOffset, as: Int8.self) == 2)
        #expect(buffer.getInteger(at: batchStart + RecordBatchHeader.producerIdOffset, as: Int64.self) == 9_000_000_001)
    }

    @Test func writeThenReadIsIdentity() throws {
        let original = RecordBatchHeader(
            baseOffset: -5, batchLength: 49, partitionLeaderEpoch: -1, magic: 2, crc: 0xDEAD_BEEF,
            attributes: 0x7F, lastOffsetDelta: 0, baseTimestamp: .min, maxTimestamp: .max, producerId: 1,
            producerEpoch: .max, baseSequence: .max, recordCount: 0)
        var buffer = ByteBuffer()
        original.write(to: &buffer)
        #expect(buffer.readableBytes == RecordBatchHeader.size)
        #expect(RecordBatchHeader(buffer: buffer, at: 0) == original)
        #expect(original.hasDeleteHorizon && original.isControl && original.timestampType == .logAppendTime)
        #expect(!original.hasKnownCompression && original.compressionBits == 7)
    }

    @Test func shortBufferGivesNil() {
        var buffer = ByteBuffer(repeating: 0, count: RecordBatchHeader.size - 1)
        #expect(RecordBatchHeader(buffer: buffer, at: 0) == nil)
        buffer.writeInteger(UInt8(0))
        #expect(RecordBatchHeader(buffer: buffer, at: 0) != nil)
        #expect(RecordBatchHeader(buffer: buffer, at: 1) == nil)
    }

    @Test func baseOffsetAndLeaderEpochRewritesKeepCRC() throws {
        var buffer = try RecordsTestHelpers.batch(count: 5)
        let before = try #require(RecordBatchHeader(buffer: buffer, at: 0))
        RecordBatch.setBaseOffset(123_456, in: &buffer, at: 0)
        RecordBatch.setPartitionLeaderEpoch(9, in: &buffer, at: 0)
        let after = try #require(RecordBatchHeader(buffer: buffer, at: 0))
        #expect(after.baseOffset == 123_456 && after.partitionLeaderEpoch == 9)
        #expect(after.crc == before.crc)
        #expect(RecordBatch.crcIsValid(in: buffer, at: 0))
    }

    /// The header copy and the untouched rest of the batch.
    static func split(_ batch: ByteBuffer) -> (header: ByteBuffer, records: ByteBuffer) {
        (batch.getSlice(at: 0, length: RecordBatchHeader.size) ?? ByteBuffer(),
         batch.getSlice(at: RecordBatchHeader.size, length: batch.readableBytes - RecordBatchHeader.size) ?? ByteBuffer())
    }

    static func joined(_ header: ByteBuffer, _ records: ByteBuffer) -> ByteBuffer {
        var out = header
        out.writeImmutableBuffer(records)
        return out
    }

    @Test func logAppendTimeRewriteRecomputesCRC() throws {
        let batch = try RecordsTestHelpers.batch(count: 5, compression: .lz4)
        let parts = Self.split(batch)
        var header = parts.header
        let records = parts.records
        let before = try #require(RecordBatchHeader(buffer: batch, at: 0))
        #expect(RecordBatch.setLogAppendTime(42_000, header: &header, at: 0, records: records))
        let after = try #require(RecordBatchHeader(buffer: header, at: 0))
        #expect(after.timestampType == .logAppendTime)
        #expect(after.maxTimestamp == 42_000)
        #expect(after.compression == .lz4)
        #expect(after.crc != before.crc)
        #expect(RecordBatch.crcIsValid(in: Self.joined(header, records), at: 0))
        // The rest of the batch was not written to.
        #expect(records == Self.split(batch).records)
        // Back to CreateTime clears the bit again.
        #expect(RecordBatch.setMaxTimestamp(7, timestampType: .createTime, header: &header, at: 0, records: records))
        let reverted = try #require(RecordBatchHeader(buffer: header, at: 0))
        #expect(reverted.timestampType == .createTime && reverted.maxTimestamp == 7)
        #expect(RecordBatch.crcIsValid(in: Self.joined(header, records), at: 0))
    }

    @Test func logAppendTimeRewriteOfAHeaderAtAnOffset() throws {
        let batch = try RecordsTestHelpers.batch(count: 3)
        let (header, records) = Self.split(batch)
        var headers = ByteBuffer(repeating: 0xEE, count: 100)
        headers.writeImmutableBuffer(header)
        #expect(RecordBatch.setLogAppendTime(5, header: &headers, at: 100, records: records))
        let stamped = headers.getSlice(at: 100, length: RecordBatchHeader.size) ?? ByteBuffer()
        #expect(RecordBatch.crcIsValid(in: Self.joined(stamped, records), at: 0))
        #expect(headers.getBytes(at: 0, length: 100) == Array(repeating: 0xEE, count: 100))
    }

    @Test func setLogAppendTimeRefusesRecordsOfAnotherLength() throws {
        let full = try RecordsTestHelpers.batch(count: 2)
        let parts = Self.split(full)
        var header = parts.header
        let records = parts.records
        let copy = header
        let short = records.getSlice(at: records.readerIndex, length: records.readableBytes - 1) ?? ByteBuffer()
        #expect(!RecordBatch.setLogAppendTime(1, header: &header, at: 0, records: short))
        var long = records
        long.writeInteger(UInt8(0))
        #expect(!RecordBatch.setLogAppendTime(1, header: &header, at: 0, records: long))
        #expect(header == copy)
    }

    @Test func anyFlippedCoveredByteBreaksCRC() throws {
        let buffer = try RecordsTestHelpers.batch(count: 3)
        for position in stride(from: RecordBatchHeader.attributesOffset, to: buffer.readableBytes, by: 7) {
            var corrupted = buffer
            let byte = corrupted.getInteger(at: position, as: UInt8.self) ?? 0
            corrupted.setInteger(byte ^ 0x01, at: position)
            #expect(!RecordBatch.crcIsValid(in: corrupted, at: 0), "flip at \(position)")
        }
    }

    @Test func sequenceWrapsAtInt32Max() {
        var header = RecordBatchHeader(
            baseOffset: 0, batchLength: 49, partitionLeaderEpoch: 0, magic: 2, crc: 0, attributes: 0,
            lastOffsetDelta: 4, baseTimestamp: 0, maxTimestamp: 0, producerId: 1, producerEpoch: 0,
            baseSequence: Int32.max - 1, recordCount: 5)
        #expect(header.lastSequence == 2)
        header.baseSequence = -1
        #expect(header.lastSequence == -1)
    }
}

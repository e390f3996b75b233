import KafkaProtocol
import NIOCore
import Testing

/// The produce validator walks records as raw varints (`RecordLayout`) without building
/// `Record` values; these feed it hand-made malformed records and check it refuses each one
/// exactly as the record reader does.
@Suite struct RecordsValidatorScanTests {
    static let now: Int64 = 1_700_000_000_000

    /// A valid batch header (count records, CRC over `section`) around a hand-written section.
    static func batch(section: ByteBuffer, count: Int32, compression: CompressionCodec = .none) throws -> ByteBuffer {
        let body = try compression.compress(section)
        let header = RecordBatchHeader(
            baseOffset: 0, batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + body.readableBytes),
            partitionLeaderEpoch: -1, magic: 2, crc: 0, attributes: compression.rawValue, lastOffsetDelta: count - 1,
            baseTimestamp: now, maxTimestamp: now, producerId: -1, producerEpoch: -1, baseSequence: -1, recordCount: count)
        var out = ByteBuffer()
        header.write(to: &out)
        out.writeImmutableBuffer(body)
        RecordBatch.updateCRC(in: &out, at: 0, totalSize: out.readableBytes)
        return out
    }

    static func validate(_ batch: ByteBuffer) -> Result<ValidatedRecordBatch, RecordValidationError> {
        RecordBatchValidator.validate(batch, policy: RecordValidationPolicy(), requestVersion: 9, now: now)
    }

    static func code(_ result: Result<ValidatedRecordBatch, RecordValidationError>) -> ErrorCode {
        if case .failure(let error) = result { return error.code }
        return .none
    }

    /// A record with a raw body (attributes onwards), length-prefixed by `length` or its size.
    static func record(body: [UInt8], length: Int32? = nil) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeVarint(length ?? Int32(body.count))
        out.writeBytes(body)
        return out
    }

    /// attributes 0, timestampDelta 0, offsetDelta `delta`, key "k", value "v", no headers.
    static func goodBody(offsetDelta: UInt8 = 0) -> [UInt8] {
        [0x00, 0x00, offsetDelta << 1, 0x02, 0x6B, 0x02, 0x76, 0x00]
    }

    @Test func handWrittenRecordsAreAccepted() throws {
        var section = Self.record(body: Self.goodBody(offsetDelta: 0))
        section.writeImmutableBuffer(Self.record(body: Self.goodBody(offsetDelta: 1)))
        let result = try Self.validate(Self.batch(section: section, count: 2)).get()
        #expect(result.header.recordCount == 2)
        #expect(result.maxRecordTimestamp == Self.now)
        #expect(result.uncompressedRecordsBytes == section.readableBytes)
    }

    /// Every record the reader refuses, the validator refuses as INVALID_RECORD.
    @Test(arguments: 0..<RecordsRecordTests.malformed.count)
    func readerRejectionsAreValidatorRejections(index: Int) throws {
        let (name, section) = RecordsRecordTests.malformed[index]
        let result = Self.validate(try Self.batch(section: section, count: 1))
        #expect(Self.code(result) == .invalidRecord, "\(name)")
    }

    /// `body` with its length prefix (bodies here stay under 64 bytes: one varint byte).
    static func prefixed(_ body: [UInt8]) -> [UInt8] { [UInt8(body.count * 2)] + body }

    static let malformedVarints: [(String, [UInt8])] = [
        // Record length: six bytes, all but the last with the continuation bit.
        ("record length varint over 5 bytes", [0x80, 0x80, 0x80, 0x80, 0x80, 0x01] + goodBody()),
        ("record length varint cut off by the section end", [0x80]),
        ("timestamp varlong over 10 bytes",
         prefixed([0x00] + [UInt8](repeating: 0x80, count: 10) + [0x01, 0x00, 0x02, 0x6B, 0x02, 0x76, 0x00])),
        ("offset delta varint over 5 bytes",
         prefixed([0x00, 0x00] + [UInt8](repeating: 0xFF, count: 5) + [0x01, 0x02, 0x6B, 0x02, 0x76, 0x00])),
        // The key length varint's last byte has the continuation bit; the byte after the record
        // would complete it, but a field must not read into the next record.
        ("key length varint runs past the record", prefixed([0x00, 0x00, 0x00, 0x80]) + prefixed(goodBody())),
        ("value length -2", prefixed([0x00, 0x00, 0x00, 0x02, 0x6B, 0x03, 0x76, 0x00])),
        ("value longer than the record", prefixed([0x00, 0x00, 0x00, 0x02, 0x6B, 0x20, 0x76, 0x00])),
        ("header key length past the record", prefixed([0x00, 0x00, 0x00, 0x02, 0x6B, 0x02, 0x76, 0x02, 0x10, 0x61])),
        ("header value length -3", prefixed([0x00, 0x00, 0x00, 0x02, 0x6B, 0x02, 0x76, 0x02, 0x02, 0x61, 0x05])),
        ("header value past the record", prefixed([0x00, 0x00, 0x00, 0x02, 0x6B, 0x02, 0x76, 0x02, 0x02, 0x61, 0x08])),
        ("record length 0", [0x00]),
    ]

    @Test(arguments: 0..<malformedVarints.count)
    func malformedVarintsAndLengths(index: Int) throws {
        let (name, bytes) = Self.malformedVarints[index]
        var section = ByteBuffer(bytes: bytes)
        let result = Self.validate(try Self.batch(section: section, count: 1))
        #expect(Self.code(result) == .invalidRecord, "\(name)")
        // The reader agrees.
        #expect(throws: KafkaProtocolError.self, "\(name)") { _ = try Record.read(from: &section) }
    }

    @Test func malformedSecondRecordIsFound() throws {
        var section = Self.record(body: Self.goodBody(offsetDelta: 0))
        section.writeBytes([0x10, 0x00])
        let result = Self.validate(try Self.batch(section: section, count: 2))
        guard case .failure(let error) = result else {
            Issue.record("truncated second record accepted")
            return
        }
        #expect(error.code == .invalidRecord)
        #expect(error.message.contains("record 1"))
    }

    @Test func recordCountAndTrailingBytes() throws {
        let one = Self.record(body: Self.goodBody())
        #expect(Self.code(Self.validate(try Self.batch(section: one, count: 2))) == .invalidRecord)
        var trailing = one
        trailing.writeBytes([0x00, 0x00])
        #expect(Self.code(Self.validate(try Self.batch(section: trailing, count: 1))) == .invalidRecord)
    }

    @Test func layoutLocatesTheFields() throws {
        let section = RecordsRecordTests.record(
            timestampDelta: -3, offsetDelta: 7, key: nil, value: Array("hello".utf8),
            headers: [(Array("a".utf8), Array("1".utf8))])
        let layout = try section.withUnsafeReadableBytes { bytes in try RecordLayout.parse(bytes, at: 0) }
        #expect(layout.size == section.readableBytes && layout.end == section.readableBytes)
        #expect(!layout.hasKey && layout.keyLength == -1)
        #expect(layout.timestampDelta == -3 && layout.offsetDelta == 7)
        #expect(section.getString(at: layout.valueStart, length: layout.valueLength) == "hello")
        #expect(layout.headerCount == 1)
        #expect(section.getBytes(at: layout.headersStart, length: layout.end - layout.headersStart) == [0x02, 0x61, 0x02, 0x31])
    }

    /// A decompression buffer reused across batches holds only the current batch: leftovers of
    /// a bigger earlier batch would show up as trailing bytes.
    @Test(arguments: [CompressionCodec.gzip, .snappy, .lz4, .zstd])
    func reusedDecompressionBufferHoldsOnlyTheCurrentBatch(codec: CompressionCodec) throws {
        var buffer = ByteBuffer()
        let big = try RecordsTestHelpers.batch(count: 200, compression: codec, baseTimestamp: Self.now, valueSize: 300)
        let small = try RecordsTestHelpers.batch(count: 3, compression: codec, baseTimestamp: Self.now)
        let policy = RecordValidationPolicy()
        let first = try RecordBatchValidator.validate(
            big, policy: policy, requestVersion: 9, now: Self.now, decompressionBuffer: &buffer).get()
        #expect(first.header.recordCount == 200)
        let capacity = buffer.capacity
        let second = try RecordBatchValidator.validate(
            small, policy: policy, requestVersion: 9, now: Self.now, decompressionBuffer: &buffer).get()
        #expect(second.header.recordCount == 3)
        #expect(second.uncompressedRecordsBytes == buffer.readableBytes)
        #expect(buffer.capacity == capacity)
        // A batch refused part-way through decompression leaves bytes behind; the next one
        // does not see them.
        let tight = RecordValidationPolicy(maxDecompressedBytes: 10_000)
        let refused = RecordBatchValidator.validate(
            big, policy: tight, requestVersion: 9, now: Self.now, decompressionBuffer: &buffer)
        #expect(Self.code(refused) == .invalidRecord)
        let again = try RecordBatchValidator.validate(
            small, policy: policy, requestVersion: 9, now: Self.now, decompressionBuffer: &buffer).get()
        #expect(again == second)
    }

    @Test func compressedMalformedRecordIsInvalidRecord() throws {
        let section = ByteBuffer(bytes: Self.malformedVarints[4].1)
        let batch = try Self.batch(section: section, count: 1, compression: .lz4)
        #expect(Self.code(Self.validate(batch)) == .invalidRecord)
    }
}

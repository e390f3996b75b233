import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordsValidatorTests {
    static let now: Int64 = 1_700_000_000_000

    static func validate(
        _ buffer: ByteBuffer, policy: RecordValidationPolicy = RecordValidationPolicy(), version: Int16 = 9
    ) -> Result<ValidatedRecordBatch, RecordValidationError> {
        RecordBatchValidator.validate(buffer, policy: policy, requestVersion: version, now: now)
    }

    static func code(_ result: Result<ValidatedRecordBatch, RecordValidationError>) -> ErrorCode {
        switch result {
        case .success: return .none
        case .failure(let error): return error.code
        }
    }

    /// Edits a field of a valid batch and re-signs it, so only the edited rule can fail.
    static func edited(
        _ codec: CompressionCodec = .none, count: Int = 3, _ edit: (inout ByteBuffer) -> Void
    ) throws -> ByteBuffer {
        var batch = try RecordsTestHelpers.batch(count: count, compression: codec, baseTimestamp: now)
        edit(&batch)
        RecordBatch.updateCRC(in: &batch, at: 0, totalSize: batch.readableBytes)
        return batch
    }

    @Test(arguments: [CompressionCodec.none, .gzip, .snappy, .lz4, .zstd])
    func builderOutputIsAccepted(codec: CompressionCodec) throws {
        let batch = try RecordsTestHelpers.batch(
            count: 50, compression: codec, baseTimestamp: Self.now - 100, producerId: 7, baseSequence: 0)
        let result = try Self.validate(batch).get()
        #expect(result.header.recordCount == 50)
        #expect(result.maxRecordTimestamp == Self.now - 100 + 49)
        #expect(result.uncompressedRecordsBytes > 0)
    }

    @Test func badCRCIsCorruptMessage() throws {
        var batch = try RecordsTestHelpers.batch(count: 2)
        batch.setInteger(UInt8(0xAA), at: batch.writerIndex - 1)
        #expect(Self.code(Self.validate(batch)) == .corruptMessage)
    }

    @Test func framingErrors() throws {
        let good = try RecordsTestHelpers.batch(count: 2)
        #expect(Self.code(Self.validate(ByteBuffer())) == .invalidRecord)
        let truncated = good.getSlice(at: 0, length: good.readableBytes - 1) ?? ByteBuffer()
        #expect(Self.code(Self.validate(truncated)) == .invalidRecord)
        var twoBatches = good
        twoBatches.writeImmutableBuffer(good)
        #expect(Self.code(Self.validate(twoBatches)) == .invalidRecord)
        var tiny = good
        tiny.setInteger(Int32(13), at: RecordBatchHeader.batchLengthOffset)
        #expect(Self.code(Self.validate(tiny)) == .corruptMessage)
        var shorterThanHeader = good.getSlice(at: 0, length: 40) ?? ByteBuffer()
        shorterThanHeader.setInteger(Int32(28), at: RecordBatchHeader.batchLengthOffset)
        #expect(Self.code(Self.validate(shorterThanHeader)) == .corruptMessage)
    }

    @Test func magicRules() throws {
        for (magic, expected) in [(Int8(0), ErrorCode.invalidRecord), (1, .invalidRecord), (3, .corruptMessage), (-1, .corruptMessage)] {
            let batch = try Self.edited { $0.setInteger(magic, at: RecordBatchHeader.magicOffset) }
            #expect(Self.code(Self.validate(batch)) == expected, "magic \(magic)")
        }
        // A bad magic is corruption even when the batch is incomplete.
        var partial = try RecordsTestHelpers.batch(count: 2)
        partial.setInteger(Int8(9), at: RecordBatchHeader.magicOffset)
        partial.moveWriterIndex(to: 30)
        #expect(Self.code(Self.validate(partial)) == .corruptMessage)
    }

    @Test func compressionRules() throws {
        let zstd = try RecordsTestHelpers.batch(count: 1, compression: .zstd, baseTimestamp: Self.now)
        #expect(Self.code(Self.validate(zstd, version: 6)) == .unsupportedCompressionType)
        #expect(Self.code(Self.validate(zstd, version: 7)) == .none)
        let unknown = try Self.edited { $0.setInteger(Int16(5), at: RecordBatchHeader.attributesOffset) }
        #expect(Self.code(Self.validate(unknown)) == .unsupportedCompressionType)
        // Claims gzip but holds plain records.
        let mislabeled = try Self.edited { $0.setInteger(Int16(1), at: RecordBatchHeader.attributesOffset) }
        #expect(Self.code(Self.validate(mislabeled)) == .corruptMessage)
    }

    @Test func decompressionIsBounded() throws {
        let batch = try RecordsTestHelpers.batch(
            count: 10, compression: .zstd, baseTimestamp: Self.now, valueSize: 100_000)
        #expect(batch.readableBytes < 10_000)
        let policy = RecordValidationPolicy(maxDecompressedBytes: 500_000)
        let result = Self.validate(batch, policy: policy)
        #expect(Self.code(result) == .invalidRecord)
        #expect(Self.code(Self.validate(batch)) == .none)
    }

    @Test func sizeLimitIsMessageTooLarge() throws {
        let batch = try RecordsTestHelpers.batch(count: 10, baseTimestamp: Self.now)
        let policy = RecordValidationPolicy(maxMessageBytes: batch.readableBytes - 1)
        #expect(Self.code(Self.validate(batch, policy: policy)) == .messageTooLarge)
        #expect(Self.code(Self.validate(batch, policy: RecordValidationPolicy(maxMessageBytes: batch.readableBytes))) == .none)
    }

    @Test func headerRules() throws {
        let cases: [(String, (inout ByteBuffer) -> Void)] = [
            ("nonzero base offset", { $0.setInteger(Int64(5), at: RecordBatchHeader.baseOffsetOffset) }),
            ("lastOffsetDelta mismatch", { $0.setInteger(Int32(1), at: RecordBatchHeader.lastOffsetDeltaOffset) }),
            ("negative lastOffsetDelta", { $0.setInteger(Int32(-1), at: RecordBatchHeader.lastOffsetDeltaOffset) }),
            ("zero count", { $0.setInteger(Int32(0), at: RecordBatchHeader.recordCountOffset) }),
            ("control batch", { $0.setInteger(Int16(0x20), at: RecordBatchHeader.attributesOffset) }),
            ("producer id without sequence", {
                $0.setInteger(Int64(3), at: RecordBatchHeader.producerIdOffset)
                $0.setInteger(Int32(-1), at: RecordBatchHeader.baseSequenceOffset)
            }),
            ("more records declared than present", {
                $0.setInteger(Int32(4), at: RecordBatchHeader.recordCountOffset)
                $0.setInteger(Int32(3), at: RecordBatchHeader.lastOffsetDeltaOffset)
            }),
            ("fewer records declared than present", {
                $0.setInteger(Int32(2), at: RecordBatchHeader.recordCountOffset)
                $0.setInteger(Int32(1), at: RecordBatchHeader.lastOffsetDeltaOffset)
            }),
        ]
        for (name, edit) in cases {
            let batch = try Self.edited(count: 3, edit)
            #expect(Self.code(Self.validate(batch)) == .invalidRecord, "\(name)")
        }
    }

    @Test func offsetDeltasMustBeSequential() throws {
        var builder = RecordBatchBuilder()
        builder.append(key: ByteBuffer(string: "a"), value: nil, timestamp: Self.now, offsetDelta: 0)
        builder.append(key: ByteBuffer(string: "b"), value: nil, timestamp: Self.now, offsetDelta: 2)
        var batch = try builder.build()
        // Header agrees with the count; only the record-level delta is wrong.
        batch.setInteger(Int32(1), at: RecordBatchHeader.lastOffsetDeltaOffset)
        RecordBatch.updateCRC(in: &batch, at: 0, totalSize: batch.readableBytes)
        #expect(Self.code(Self.validate(batch)) == .invalidRecord)
    }

    @Test func malformedRecordIsInvalidRecord() throws {
        // Overwrite the first record's length varint with a huge value.
        let batch = try Self.edited { $0.setInteger(UInt8(0x7E), at: RecordBatchHeader.size) }
        #expect(Self.code(Self.validate(batch)) == .invalidRecord)
    }

    @Test func compactedTopicsNeedKeys() throws {
        var builder = RecordBatchBuilder()
        builder.append(key: "a", value: "1", timestamp: Self.now)
        builder.append(key: nil, value: "2", timestamp: Self.now)
        let batch = try builder.build()
        #expect(Self.code(Self.validate(batch)) == .none)
        let result = Self.validate(batch, policy: RecordValidationPolicy(compactedTopic: true))
        guard case .failure(let error) = result else {
            Issue.record("keyless record accepted on a compacted topic")
            return
        }
        #expect(error.code == .invalidRecord)
        #expect(error.recordErrors.map(\.batchIndex) == [1])
    }

    @Test func timestampBounds() throws {
        var builder = RecordBatchBuilder()
        builder.append(key: "ok", value: nil, timestamp: Self.now - 1_000)
        builder.append(key: "old", value: nil, timestamp: Self.now - 10_000)
        builder.append(key: "none", value: nil, timestamp: -1)
        builder.append(key: "future", value: nil, timestamp: Self.now + 5_000)
        let batch = try builder.build()
        let policy = RecordValidationPolicy(timestampBeforeMaxMs: 5_000, timestampAfterMaxMs: 4_999)
        guard case .failure(let error) = Self.validate(batch, policy: policy) else {
            Issue.record("out-of-range timestamps accepted")
            return
        }
        #expect(error.code == .invalidTimestamp)
        #expect(error.recordErrors.map(\.batchIndex) == [1, 3])
        let wide = RecordValidationPolicy(timestampBeforeMaxMs: 10_000, timestampAfterMaxMs: 5_000)
        #expect(Self.code(Self.validate(batch, policy: wide)) == .none)
        // LogAppendTime topics ignore producer timestamps.
        #expect(Self.code(Self.validate(batch, policy: RecordValidationPolicy(timestampType: .logAppendTime))) == .none)
    }

    @Test func timestampErrorOutranksKeyError() throws {
        var builder = RecordBatchBuilder()
        builder.append(key: nil, value: "keyless", timestamp: Self.now)
        builder.append(key: "late", value: nil, timestamp: Self.now - 100_000)
        let batch = try builder.build()
        let policy = RecordValidationPolicy(compactedTopic: true, timestampBeforeMaxMs: 1_000)
        #expect(Self.code(Self.validate(batch, policy: policy)) == .invalidTimestamp)
    }

    @Test func producerMayNotClaimLogAppendTime() throws {
        var builder = RecordBatchBuilder(timestampType: .logAppendTime)
        builder.append(key: "a", value: nil, timestamp: Self.now)
        let batch = try builder.build(logAppendTime: Self.now)
        #expect(Self.code(Self.validate(batch, policy: RecordValidationPolicy(timestampType: .logAppendTime))) == .invalidTimestamp)
    }
}

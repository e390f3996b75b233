import NIOCore

/// Per-topic settings that decide whether a produced batch is accepted.
public struct RecordValidationPolicy: Sendable {
    /// cleanup.policy contains `compact`: every record needs a key.
    public var compactedTopic: Bool
    /// message.timestamp.type.
    public var timestampType: TimestampType
    /// message.timestamp.before.max.ms / after.max.ms (CreateTime only).
    public var timestampBeforeMaxMs: Int64
    public var timestampAfterMaxMs: Int64
    /// max.message.bytes: the largest batch accepted, including its 12 bytes of log overhead.
    public var maxMessageBytes: Int
    /// Ceiling on a compressed batch's inflated records, so a small batch cannot expand into a
    /// huge allocation. Kafka has no such limit; keep it well above max.message.bytes.
    public var maxDecompressedBytes: Int

    public init(
        compactedTopic: Bool = false, timestampType: TimestampType = .createTime,
        timestampBeforeMaxMs: Int64 = .max, timestampAfterMaxMs: Int64 = .max,
        maxMessageBytes: Int = 1_048_588, maxDecompressedBytes: Int? = nil
    ) {
        self.compactedTopic = compactedTopic
        self.timestampType = timestampType
        self.timestampBeforeMaxMs = timestampBeforeMaxMs
        self.timestampAfterMaxMs = timestampAfterMaxMs
        self.maxMessageBytes = maxMessageBytes
        self.maxDecompressedBytes = maxDecompressedBytes ?? max(64 << 20, maxMessageBytes.multipliedReportingOverflow(by: 16).partialValue)
    }
}

/// What validation learned about an accepted batch.
public struct ValidatedRecordBatch: Sendable, Equatable {
    public var header: RecordBatchHeader
    /// Largest record timestamp (-1 if none had one); Kafka stores this as the batch's
    /// maxTimestamp on CreateTime topics.
    public var maxRecordTimestamp: Int64
    /// Size of the records section once decompressed.
    public var uncompressedRecordsBytes: Int
}

/// Why a batch was rejected: the partition's error code plus per-record details for the
/// ProduceResponse `RecordErrors` field (v8+).
public struct RecordValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct RecordFailure: Sendable, Equatable {
        public var batchIndex: Int32
        public var message: String
    }

    public var code: ErrorCode
    public var message: String
    public var recordErrors: [RecordFailure]

    public init(_ code: ErrorCode, _ message: String, recordErrors: [RecordFailure] = []) {
        self.code = code
        self.message = message
        self.recordErrors = recordErrors
    }

    public var description: String { "\(code): \(message)" }
}

/// Checks a partition's `records` from a Produce request before it is appended, following
/// Kafka's ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords and
/// LogValidator (client origin, magic v2 only). Read-only: offset assignment and
/// LogAppendTime stamping are the log's job.
public enum RecordBatchValidator {
    /// - Parameters:
    ///   - records: the partition's records bytes (readable region).
    ///   - requestVersion: Produce API version (zstd needs v7+).
    ///   - now: broker time in ms, for timestamp bounds.
    public static func validate(
        _ records: ByteBuffer, policy: RecordValidationPolicy, requestVersion: Int16, now: Int64,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) -> Result<ValidatedRecordBatch, RecordValidationError> {
        var scratch = allocator.buffer(capacity: 0)
        return validate(records, policy: policy, requestVersion: requestVersion, now: now, decompressionBuffer: &scratch)
    }

    /// Like `validate(_:policy:requestVersion:now:allocator:)`, decompressing a compressed batch
    /// into `decompressionBuffer` (its contents are replaced): a caller that keeps one buffer
    /// for many batches decompresses without allocating. The result holds no reference to it.
    public static func validate(
        _ records: ByteBuffer, policy: RecordValidationPolicy, requestVersion: Int16, now: Int64,
        decompressionBuffer: inout ByteBuffer
    ) -> Result<ValidatedRecordBatch, RecordValidationError> {
        let header: RecordBatchHeader
        switch frame(records, requestVersion: requestVersion) {
        case .success(let h): header = h
        case .failure(let e): return .failure(e)
        }
        let index = records.readerIndex
        if header.baseOffset != 0 {
            return .failure(.init(.invalidRecord, "the baseOffset of a produced batch must be 0, not \(header.baseOffset)"))
        }
        if header.totalSize > policy.maxMessageBytes {
            return .failure(.init(.messageTooLarge,
                "record batch of \(header.totalSize) bytes exceeds max.message.bytes \(policy.maxMessageBytes)"))
        }
        if !header.crcIsValid(in: records, at: index) {
            return .failure(.init(.corruptMessage, "record batch CRC mismatch (stored \(header.crc))"))
        }
        if let error = checkHeader(header) { return .failure(error) }

        let section = records.getSlice(
            at: index + RecordBatchHeader.size, length: header.totalSize - RecordBatchHeader.size) ?? ByteBuffer()
        guard header.compression != .none else {
            return checkRecords(section, header: header, policy: policy, now: now)
        }
        do {
            try header.compression.decompress(
                section, into: &decompressionBuffer, maxOutputBytes: policy.maxDecompressedBytes)
        } catch {
            let code: ErrorCode = error.kind == .outputTooLarge ? .invalidRecord : .corruptMessage
            return .failure(.init(code, "cannot decompress records: \(error)"))
        }
        return checkRecords(decompressionBuffer, header: header, policy: policy, now: now)
    }

    /// Framing: exactly one complete v2 batch with a known codec.
    static func frame(_ records: ByteBuffer, requestVersion: Int16) -> Result<RecordBatchHeader, RecordValidationError> {
        let available = records.readableBytes
        let index = records.readerIndex
        guard available >= RecordBatchHeader.logOverhead,
              let length = records.getInteger(at: index + RecordBatchHeader.batchLengthOffset, as: Int32.self)
        else { return .failure(.init(.invalidRecord, "produce request must have at least one record batch")) }
        // Kafka's smallest legacy record is 14 bytes; anything below cannot be a batch at all.
        if length < 14 {
            return .failure(.init(.corruptMessage, "record batch length \(length) is smaller than the minimum"))
        }
        // Like Kafka's batch reader: an impossible magic is corruption even in a partial batch,
        // while a partial batch is simply "no batch".
        if let magic = records.getInteger(at: index + RecordBatchHeader.magicOffset, as: Int8.self),
           magic < 0 || magic > RecordBatchHeader.currentMagic {
            return .failure(.init(.corruptMessage, "invalid record batch magic \(magic)"))
        }
        guard available >= RecordBatchHeader.logOverhead + Int(length),
              let magic = records.getInteger(at: index + RecordBatchHeader.magicOffset, as: Int8.self)
        else {
            return .failure(.init(.invalidRecord, "record batch of \(length) bytes is truncated to \(available)"))
        }
        if magic != RecordBatchHeader.currentMagic {
            return .failure(.init(.invalidRecord, "produce requests v3+ must use record batch magic 2, not \(magic)"))
        }
        guard let header = RecordBatchHeader(buffer: records, at: index), Int(length) >= RecordBatchHeader.size - RecordBatchHeader.logOverhead else {
            return .failure(.init(.corruptMessage, "record batch of \(length) bytes is smaller than its header"))
        }
        guard header.hasKnownCompression else {
            return .failure(.init(.unsupportedCompressionType, "unknown compression codec \(header.compressionBits)"))
        }
        if requestVersion < 7 && header.compression == .zstd {
            return .failure(.init(.unsupportedCompressionType, "produce v\(requestVersion) cannot use zstd (needs v7+)"))
        }
        if available > header.totalSize {
            return .failure(.init(.invalidRecord, "produce requests must contain exactly one record batch per partition"))
        }
        return .success(header)
    }

    /// LogValidator.validateBatch for client appends.
    static func checkHeader(_ header: RecordBatchHeader) -> RecordValidationError? {
        let countFromOffsets = Int64(header.lastOffsetDelta) + 1
        if countFromOffsets <= 0 {
            return .init(.invalidRecord, "batch has an invalid offset range (lastOffsetDelta \(header.lastOffsetDelta))")
        }
        if header.recordCount <= 0 {
            return .init(.invalidRecord, "invalid record count \(header.recordCount)")
        }
        if countFromOffsets != Int64(header.recordCount) {
            return .init(.invalidRecord,
                "lastOffsetDelta \(header.lastOffsetDelta) does not match record count \(header.recordCount)")
        }
        if header.isControl {
            return .init(.invalidRecord, "clients may not write control batches")
        }
        if header.hasProducerId && header.baseSequence < 0 {
            return .init(.invalidRecord,
                "invalid sequence \(header.baseSequence) in batch with producerId \(header.producerId)")
        }
        return nil
    }
}

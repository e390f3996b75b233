import NIOCore

/// Builds one v2 record batch. Records are encoded straight into a single buffer as they are
/// appended; `build()` compresses that section if asked, writes the header and computes the CRC.
public struct RecordBatchBuilder: Sendable {
    public var baseOffset: Int64
    public var partitionLeaderEpoch: Int32
    public var compression: CompressionCodec
    public var timestampType: TimestampType
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var isTransactional: Bool
    public var isControl: Bool

    /// Timestamp of the first record; deltas are relative to it.
    public private(set) var baseTimestamp: Int64 = -1
    public private(set) var maxTimestamp: Int64 = -1
    public private(set) var recordCount: Int32 = 0
    public private(set) var lastOffsetDelta: Int32 = -1
    @usableFromInline var records: ByteBuffer

    public init(
        baseOffset: Int64 = 0, partitionLeaderEpoch: Int32 = RecordBatchHeader.noPartitionLeaderEpoch,
        compression: CompressionCodec = .none, timestampType: TimestampType = .createTime,
        producerId: Int64 = RecordBatchHeader.noProducerId, producerEpoch: Int16 = RecordBatchHeader.noProducerEpoch,
        baseSequence: Int32 = RecordBatchHeader.noSequence, isTransactional: Bool = false, isControl: Bool = false,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) {
        self.baseOffset = baseOffset
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.compression = compression
        self.timestampType = timestampType
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.isTransactional = isTransactional
        self.isControl = isControl
        self.records = allocator.buffer(capacity: 256)
    }

    /// Uncompressed size of the records appended so far.
    public var recordsByteCount: Int { records.readableBytes }

    /// Bytes the batch would take uncompressed.
    public var estimatedSize: Int { RecordBatchHeader.size + records.readableBytes }

    /// Appends a record. `offsetDelta` defaults to the next in sequence (override only to build
    /// deliberately malformed batches in tests).
    public mutating func append(
        key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader] = [], timestamp: Int64,
        offsetDelta: Int32? = nil
    ) {
        if recordCount == 0 { baseTimestamp = timestamp }
        let delta = offsetDelta ?? (lastOffsetDelta &+ 1)
        let timestampDelta = timestamp &- baseTimestamp
        var bodySize = 1 + Varint.size(timestampDelta) + Varint.size(delta)
        bodySize += Self.bytesFieldSize(key) + Self.bytesFieldSize(value)
        bodySize += Varint.size(Int32(headers.count))
        for header in headers {
            bodySize += Varint.size(Int32(header.key.readableBytes)) + header.key.readableBytes
            bodySize += Self.bytesFieldSize(header.value)
        }
        records.reserveCapacity(minimumWritableBytes: bodySize + 5)
        records.writeVarint(Int32(bodySize))
        records.writeInteger(Int8(0))
        records.writeVarlong(timestampDelta)
        records.writeVarint(delta)
        Self.writeBytesField(key, to: &records)
        Self.writeBytesField(value, to: &records)
        records.writeVarint(Int32(headers.count))
        for header in headers {
            records.writeVarint(Int32(header.key.readableBytes))
            records.writeImmutableBuffer(header.key)
            Self.writeBytesField(header.value, to: &records)
        }
        recordCount += 1
        lastOffsetDelta = delta
        if timestamp > maxTimestamp || recordCount == 1 { maxTimestamp = timestamp }
    }

    /// Appends a record with string key/value, for tests and tools.
    public mutating func append(key: String?, value: String?, timestamp: Int64) {
        append(key: key.map { ByteBuffer(string: $0) }, value: value.map { ByteBuffer(string: $0) }, timestamp: timestamp)
    }

    /// The finished batch. With `.logAppendTime`, pass the broker time as `logAppendTime`.
    public func build(
        logAppendTime: Int64? = nil, allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(CompressionError) -> ByteBuffer {
        let section = try compression.compress(records, allocator: allocator)
        var attributes = compression.rawValue
        if timestampType == .logAppendTime { attributes |= RecordBatchHeader.timestampTypeMask }
        if isTransactional { attributes |= RecordBatchHeader.transactionalFlagMask }
        if isControl { attributes |= RecordBatchHeader.controlFlagMask }
        let header = RecordBatchHeader(
            baseOffset: baseOffset,
            batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + section.readableBytes),
            partitionLeaderEpoch: partitionLeaderEpoch, magic: RecordBatchHeader.currentMagic, crc: 0,
            attributes: attributes, lastOffsetDelta: lastOffsetDelta, baseTimestamp: baseTimestamp,
            maxTimestamp: timestampType == .logAppendTime ? (logAppendTime ?? maxTimestamp) : maxTimestamp,
            producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence,
            recordCount: recordCount)
        var batch = allocator.buffer(capacity: RecordBatchHeader.size + section.readableBytes)
        header.write(to: &batch)
        batch.writeImmutableBuffer(section)
        RecordBatch.updateCRC(in: &batch, at: batch.readerIndex, totalSize: batch.readableBytes)
        return batch
    }

    @inlinable
    static func bytesFieldSize(_ bytes: ByteBuffer?) -> Int {
        guard let bytes else { return 1 }
        return Varint.size(Int32(bytes.readableBytes)) + bytes.readableBytes
    }

    @inlinable
    static func writeBytesField(_ bytes: ByteBuffer?, to buffer: inout ByteBuffer) {
        guard let bytes else {
            buffer.writeVarint(-1)
            return
        }
        buffer.writeVarint(Int32(bytes.readableBytes))
        buffer.writeImmutableBuffer(bytes)
    }
}

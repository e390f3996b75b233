import NIOCore

/// Timestamp type of a record batch (attribute bit 3).
public enum TimestampType: Int8, Sendable {
    case createTime = 0
    case logAppendTime = 1
}

/// The 61-byte header of a Kafka record batch, magic v2 (DefaultRecordBatch.java).
///
/// ```
/// baseOffset i64 | batchLength i32 | partitionLeaderEpoch i32 | magic i8 | crc u32 |
/// attributes i16 | lastOffsetDelta i32 | baseTimestamp i64 | maxTimestamp i64 |
/// producerId i64 | producerEpoch i16 | baseSequence i32 | recordCount i32 | records...
/// ```
/// `batchLength` counts the bytes after the length field. The CRC covers attributes to the end,
/// so baseOffset and partitionLeaderEpoch can be rewritten without re-checksumming.
public struct RecordBatchHeader: Sendable, Equatable {
    public var baseOffset: Int64
    public var batchLength: Int32
    public var partitionLeaderEpoch: Int32
    public var magic: Int8
    public var crc: UInt32
    public var attributes: Int16
    public var lastOffsetDelta: Int32
    public var baseTimestamp: Int64
    public var maxTimestamp: Int64
    public var producerId: Int64
    public var producerEpoch: Int16
    public var baseSequence: Int32
    public var recordCount: Int32

    // Field offsets from the start of the batch.
    public static let baseOffsetOffset = 0
    public static let batchLengthOffset = 8
    public static let partitionLeaderEpochOffset = 12
    public static let magicOffset = 16
    public static let crcOffset = 17
    public static let attributesOffset = 21
    public static let lastOffsetDeltaOffset = 23
    public static let baseTimestampOffset = 27
    public static let maxTimestampOffset = 35
    public static let producerIdOffset = 43
    public static let producerEpochOffset = 51
    public static let baseSequenceOffset = 53
    public static let recordCountOffset = 57
    public static let recordsOffset = 61

    /// Header size in bytes, which is also the smallest possible batch.
    public static let size = 61
    /// baseOffset + batchLength: the bytes not counted by batchLength.
    public static let logOverhead = 12
    /// The only record format this broker stores.
    public static let currentMagic: Int8 = 2

    // Attribute bits.
    public static let compressionCodecMask: Int16 = 0x07
    public static let timestampTypeMask: Int16 = 0x08
    public static let transactionalFlagMask: Int16 = 0x10
    public static let controlFlagMask: Int16 = 0x20
    public static let deleteHorizonFlagMask: Int16 = 0x40

    /// Producer id / epoch / sequence meaning "not idempotent".
    public static let noProducerId: Int64 = -1
    public static let noProducerEpoch: Int16 = -1
    public static let noSequence: Int32 = -1
    public static let noPartitionLeaderEpoch: Int32 = -1

    public init(
        baseOffset: Int64, batchLength: Int32, partitionLeaderEpoch: Int32, magic: Int8, crc: UInt32,
        attributes: Int16, lastOffsetDelta: Int32, baseTimestamp: Int64, maxTimestamp: Int64,
        producerId: Int64, producerEpoch: Int16, baseSequence: Int32, recordCount: Int32
    ) {
        self.baseOffset = baseOffset
        self.batchLength = batchLength
        self.partitionLeaderEpoch = partitionLeaderEpoch
        self.magic = magic
        self.crc = crc
        self.attributes = attributes
        self.lastOffsetDelta = lastOffsetDelta
        self.baseTimestamp = baseTimestamp
        self.maxTimestamp = maxTimestamp
        self.producerId = producerId
        self.producerEpoch = producerEpoch
        self.baseSequence = baseSequence
        self.recordCount = recordCount
    }

    /// Reads a v2 header at absolute `index`. Nil when fewer than 61 bytes are readable there.
    /// Callers check `magic` (older formats share only baseOffset, length and magic).
    @inlinable
    public init?(buffer: ByteBuffer, at index: Int) {
        guard index >= buffer.readerIndex, buffer.writerIndex - index >= Self.size,
              let baseOffset = buffer.getInteger(at: index, as: Int64.self),
              let batchLength = buffer.getInteger(at: index + 8, as: Int32.self),
              let partitionLeaderEpoch = buffer.getInteger(at: index + 12, as: Int32.self),
              let magic = buffer.getInteger(at: index + 16, as: Int8.self),
              let crc = buffer.getInteger(at: index + 17, as: UInt32.self),
              let attributes = buffer.getInteger(at: index + 21, as: Int16.self),
              let lastOffsetDelta = buffer.getInteger(at: index + 23, as: Int32.self),
              let baseTimestamp = buffer.getInteger(at: index + 27, as: Int64.self),
              let maxTimestamp = buffer.getInteger(at: index + 35, as: Int64.self),
              let producerId = buffer.getInteger(at: index + 43, as: Int64.self),
              let producerEpoch = buffer.getInteger(at: index + 51, as: Int16.self),
              let baseSequence = buffer.getInteger(at: index + 53, as: Int32.self),
              let recordCount = buffer.getInteger(at: index + 57, as: Int32.self)
        else { return nil }
        self.init(
            baseOffset: baseOffset, batchLength: batchLength, partitionLeaderEpoch: partitionLeaderEpoch,
            magic: magic, crc: crc, attributes: attributes, lastOffsetDelta: lastOffsetDelta,
            baseTimestamp: baseTimestamp, maxTimestamp: maxTimestamp, producerId: producerId,
            producerEpoch: producerEpoch, baseSequence: baseSequence, recordCount: recordCount)
    }

    /// Writes the 61 header bytes at the buffer's writer index.
    public func write(to buffer: inout ByteBuffer) {
        buffer.writeInteger(baseOffset)
        buffer.writeInteger(batchLength)
        buffer.writeInteger(partitionLeaderEpoch)
        buffer.writeInteger(magic)
        buffer.writeInteger(crc)
        buffer.writeInteger(attributes)
        buffer.writeInteger(lastOffsetDelta)
        buffer.writeInteger(baseTimestamp)
        buffer.writeInteger(maxTimestamp)
        buffer.writeInteger(producerId)
        buffer.writeInteger(producerEpoch)
        buffer.writeInteger(baseSequence)
        buffer.writeInteger(recordCount)
    }

    /// A record's timestamp from its delta: LogAppendTime batches carry one time for all records.
    @inlinable
    public func recordTimestamp(delta: Int64) -> Int64 {
        timestampType == .logAppendTime ? maxTimestamp : baseTimestamp &+ delta
    }

    /// Offset of the last record (which may have been removed by compaction).
    @inlinable public var lastOffset: Int64 { baseOffset + Int64(lastOffsetDelta) }

    /// Size of the whole batch including baseOffset and length.
    @inlinable public var totalSize: Int { Self.logOverhead + Int(batchLength) }

    /// Raw codec bits; values 5-7 are invalid and make `compression` report `.none`,
    /// so check `hasKnownCompression` (the validator does) before trusting it.
    @inlinable public var compressionBits: Int16 { attributes & Self.compressionCodecMask }
    @inlinable public var hasKnownCompression: Bool { CompressionCodec(attributes: attributes) != nil }
    @inlinable public var compression: CompressionCodec { CompressionCodec(attributes: attributes) ?? .none }

    @inlinable public var timestampType: TimestampType {
        attributes & Self.timestampTypeMask != 0 ? .logAppendTime : .createTime
    }
    @inlinable public var isTransactional: Bool { attributes & Self.transactionalFlagMask != 0 }
    @inlinable public var isControl: Bool { attributes & Self.controlFlagMask != 0 }
    @inlinable public var hasDeleteHorizon: Bool { attributes & Self.deleteHorizonFlagMask != 0 }
    @inlinable public var hasProducerId: Bool { producerId >= 0 }

    /// Number of bytes the CRC covers (attributes to the end of the batch).
    @inlinable public var crcCoveredLength: Int { totalSize - Self.attributesOffset }

    /// The sequence of the last record, wrapping at Int32.max like Kafka's DefaultRecordBatch.
    @inlinable public var lastSequence: Int32 {
        guard baseSequence >= 0 else { return Self.noSequence }
        let last = Int64(baseSequence) + Int64(lastOffsetDelta)
        return last > Int64(Int32.max) ? Int32(last - Int64(Int32.max) - 1) : Int32(last)
    }

    /// Whether the stored CRC matches the batch whose header starts at `index` in `buffer`.
    @inlinable
    public func crcIsValid(in buffer: ByteBuffer, at index: Int) -> Bool {
        guard batchLength >= Int32(Self.size - Self.logOverhead),
              buffer.writerIndex - index >= totalSize else { return false }
        return CRC32C.checksum(buffer, at: index + Self.attributesOffset, length: crcCoveredLength) == crc
    }
}

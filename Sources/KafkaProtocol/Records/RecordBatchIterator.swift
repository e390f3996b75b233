import NIOCore

/// One batch found by `RecordBatchIterator`.
public struct RecordBatchView: Sendable, Equatable {
    public var header: RecordBatchHeader
    /// Absolute index of the batch's first byte in the iterated buffer.
    public var index: Int
    /// The whole batch (header and records), sharing storage with the iterated buffer.
    public var bytes: ByteBuffer

    public init(header: RecordBatchHeader, index: Int, bytes: ByteBuffer) {
        self.header = header
        self.index = index
        self.bytes = bytes
    }

    /// The records section (after the 61-byte header), still compressed if the batch is.
    public var records: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + RecordBatchHeader.size,
                       length: bytes.readableBytes - RecordBatchHeader.size) ?? ByteBuffer()
    }
}

/// Walks concatenated record batches in a buffer's readable bytes without copying.
///
/// Stops at the first incomplete batch: fetch responses may legally end with a partial one
/// when the broker cut them at max bytes. `trailingPartialBytes` reports how much was left.
/// A batch whose length field is impossible (smaller than a header) or whose magic is not 2
/// stops iteration with `error` set, because the following bytes cannot be framed.
public struct RecordBatchIterator: IteratorProtocol, Sequence, Sendable {
    public enum Stop: Sendable, Equatable {
        /// Bytes remained that do not form a whole batch (or header).
        case partialBatch(bytes: Int)
        /// The length field cannot be right; nothing after this point can be parsed.
        case invalidLength(index: Int, length: Int32)
        /// A batch that is not magic v2.
        case unsupportedMagic(index: Int, magic: Int8)
    }

    public let buffer: ByteBuffer
    public private(set) var position: Int
    /// Why iteration ended early, once `next()` has returned nil; nil when everything was consumed.
    public private(set) var stop: Stop?

    public init(_ buffer: ByteBuffer) {
        self.buffer = buffer
        self.position = buffer.readerIndex
    }

    /// Bytes after the last complete batch returned.
    public var trailingPartialBytes: Int {
        if case .partialBatch(let n) = stop { return n }
        return 0
    }

    public mutating func next() -> RecordBatchView? {
        guard stop == nil else { return nil }
        let remaining = buffer.writerIndex - position
        guard remaining > 0 else { return nil }
        // Magic is at byte 16 in every format; check it before reading a v2 header so an older
        // batch shorter than 61 bytes is reported as what it is rather than as a partial batch.
        guard remaining >= RecordBatchHeader.magicOffset + 1,
              let length = buffer.getInteger(at: position + RecordBatchHeader.batchLengthOffset, as: Int32.self),
              let magic = buffer.getInteger(at: position + RecordBatchHeader.magicOffset, as: Int8.self)
        else {
            stop = .partialBatch(bytes: remaining)
            return nil
        }
        if magic != RecordBatchHeader.currentMagic {
            stop = .unsupportedMagic(index: position, magic: magic)
            return nil
        }
        if Int(length) < RecordBatchHeader.size - RecordBatchHeader.logOverhead {
            stop = .invalidLength(index: position, length: length)
            return nil
        }
        let total = RecordBatchHeader.logOverhead + Int(length)
        guard total <= remaining,
              let header = RecordBatchHeader(buffer: buffer, at: position),
              let bytes = buffer.getSlice(at: position, length: total)
        else {
            stop = .partialBatch(bytes: remaining)
            return nil
        }
        let view = RecordBatchView(header: header, index: position, bytes: bytes)
        position += total
        return view
    }
}

extension RecordBatchView {
    /// The records section ready for `RecordIterator`: a slice when uncompressed, otherwise
    /// decompressed (bounded by `maxBytes`).
    public func uncompressedRecords(
        maxBytes: Int, allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(CompressionError) -> ByteBuffer {
        guard header.hasKnownCompression else {
            throw CompressionError(.corrupt, .none, "unknown compression codec \(header.compressionBits)")
        }
        return try header.compression.decompress(records, maxOutputBytes: maxBytes, allocator: allocator)
    }

    /// Iterator over this batch's records (decompressing first if needed).
    public func recordIterator(maxBytes: Int) throws(CompressionError) -> RecordIterator {
        RecordIterator(try uncompressedRecords(maxBytes: maxBytes))
    }
}

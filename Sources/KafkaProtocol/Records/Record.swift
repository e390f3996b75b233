import NIOCore

/// One record of a v2 batch, viewed in place: key, value and headers are slices of the
/// records section, so reading a record allocates nothing.
///
/// ```
/// length varint | attributes i8 | timestampDelta varlong | offsetDelta varint |
/// keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
/// headerCount varint | headers: (keyLength varint, key utf8, valueLength varint (-1 = null), value)*
/// ```
public struct Record: Sendable {
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headerCount: Int
    /// The encoded headers, already checked to parse; walk them with `headers`.
    public var headerBytes: ByteBuffer
    /// Bytes this record occupies including its length prefix.
    public var sizeInBytes: Int

    @inlinable
    public init(
        attributes: Int8, timestampDelta: Int64, offsetDelta: Int32, key: ByteBuffer?, value: ByteBuffer?,
        headerCount: Int, headerBytes: ByteBuffer, sizeInBytes: Int
    ) {
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.key = key
        self.value = value
        self.headerCount = headerCount
        self.headerBytes = headerBytes
        self.sizeInBytes = sizeInBytes
    }

    /// The record's timestamp given its batch: LogAppendTime batches carry one time for all records.
    @inlinable
    public func timestamp(in header: RecordBatchHeader) -> Int64 {
        header.recordTimestamp(delta: timestampDelta)
    }

    @inlinable
    public func offset(in header: RecordBatchHeader) -> Int64 { header.baseOffset + Int64(offsetDelta) }

    public var headers: RecordHeaderIterator { RecordHeaderIterator(bytes: headerBytes, remaining: headerCount) }

    /// Reads one record from `buffer`, advancing it past the record.
    @inlinable
    public static func read(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Record {
        let parsed = buffer.withUnsafeReadableBytes { bytes in
            Result { () throws(KafkaProtocolError) -> RecordLayout in try RecordLayout.parse(bytes, at: 0) }
        }
        let layout = try parsed.get()
        let base = buffer.readerIndex
        // The layout checked every range against the readable bytes, so these slices exist.
        let record = Record(
            attributes: layout.attributes, timestampDelta: layout.timestampDelta, offsetDelta: layout.offsetDelta,
            key: buffer.recordField(at: base + layout.keyStart, length: layout.keyLength),
            value: buffer.recordField(at: base + layout.valueStart, length: layout.valueLength),
            headerCount: layout.headerCount,
            headerBytes: buffer.recordField(at: base + layout.headersStart, length: layout.end - layout.headersStart) ?? ByteBuffer(),
            sizeInBytes: layout.size)
        buffer.moveReaderIndex(forwardBy: layout.size)
        return record
    }
}

/// A record header: a UTF-8 key and a nullable value, both slices of the record.
public struct RecordHeader: Sendable, Equatable {
    public var key: ByteBuffer
    public var value: ByteBuffer?

    public init(key: ByteBuffer, value: ByteBuffer?) {
        self.key = key
        self.value = value
    }

    public var keyString: String { String(buffer: key) }
}

/// Walks the headers of a record; the bytes were validated when the record was read.
public struct RecordHeaderIterator: IteratorProtocol, Sequence, Sendable {
    @usableFromInline var bytes: ByteBuffer
    @usableFromInline var remaining: Int

    @inlinable
    init(bytes: ByteBuffer, remaining: Int) {
        self.bytes = bytes
        self.remaining = remaining
    }

    @inlinable
    public mutating func next() -> RecordHeader? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        // No `try?` for the value: it would flatten a null value into "no header".
        do {
            let keyLength = try bytes.readVarint()
            guard keyLength >= 0, let key = bytes.readSlice(length: Int(keyLength)) else {
                remaining = 0
                return nil
            }
            return RecordHeader(key: key, value: try bytes.readRecordBytes("header value"))
        } catch {
            remaining = 0
            return nil
        }
    }
}

/// Iterates the records of an uncompressed records section (a batch's bytes after its header,
/// decompressed if needed). Yields slices only; throws on malformed structure.
public struct RecordIterator: Sendable {
    @usableFromInline var buffer: ByteBuffer

    public init(_ records: ByteBuffer) {
        self.buffer = records
    }

    /// The records not yet consumed.
    public var remaining: ByteBuffer { buffer }

    /// Bytes not yet consumed.
    public var remainingBytes: Int { buffer.readableBytes }

    /// The next record, or nil when the section is used up.
    @inlinable
    public mutating func next() throws(KafkaProtocolError) -> Record? {
        guard buffer.readableBytes > 0 else { return nil }
        return try Record.read(from: &buffer)
    }
}

extension ByteBuffer {
    /// A varint-length-prefixed byte field of a record: -1 is null, other negatives are invalid.
    @inlinable
    mutating func readRecordBytes(_ what: StaticString) throws(KafkaProtocolError) -> ByteBuffer? {
        let length = try readVarint()
        if length == -1 { return nil }
        guard length >= 0, let slice = readSlice(length: Int(length)) else { throw .truncated(what) }
        return slice
    }

    /// A field located by a `RecordLayout`: nil for length -1 (null).
    @inlinable
    func recordField(at index: Int, length: Int) -> ByteBuffer? {
        length < 0 ? nil : getSlice(at: index, length: length)
    }
}

/// Where one record's fields lie in the bytes that hold it, found by walking its varints:
/// numbers only, no buffers. `Record.read` turns a layout into slices; produce validation
/// needs only the numbers. Positions are indexes into the walked bytes.
///
/// Every structural rule of a v2 record is checked here, once for both: the length fits, each
/// field stays inside the record, null is the only negative length, the header count is
/// bounded by the bytes left, and nothing follows the headers.
public struct RecordLayout: Sendable, Equatable {
    /// Bytes the record occupies, its length prefix included.
    public var size: Int
    public var attributes: Int8
    public var timestampDelta: Int64
    public var offsetDelta: Int32
    public var keyStart: Int
    /// -1 for a null key.
    public var keyLength: Int
    public var valueStart: Int
    /// -1 for a null value.
    public var valueLength: Int
    public var headerCount: Int
    /// The encoded headers run from here to the record's end.
    public var headersStart: Int
    public var end: Int

    @inlinable public var hasKey: Bool { keyLength >= 0 }

    /// Parses the record starting at `start`, reading nothing past `bytes.count`.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer, at start: Int) throws(KafkaProtocolError) -> RecordLayout {
        var prefix = RawBytesReader(bytes, from: start, to: bytes.count)
        let length = Int(try prefix.readVarint())
        guard length >= 0, length <= prefix.remaining else {
            throw .invalid("record length \(length) exceeds the \(prefix.remaining) bytes left in the batch")
        }
        let end = prefix.position + length
        var body = RawBytesReader(bytes, from: prefix.position, to: end)
        guard let attributes = body.readByte() else { throw .truncated("record attributes") }
        let timestampDelta = try body.readVarlong()
        let offsetDelta = try body.readVarint()
        let key = try body.skipRecordBytes("record key")
        let value = try body.skipRecordBytes("record value")
        let headerCount = Int(try body.readVarint())
        // Each header needs at least two bytes, which bounds the count before walking it.
        guard headerCount >= 0, headerCount <= body.remaining else {
            throw .invalid("invalid record header count \(headerCount)")
        }
        let headersStart = body.position
        for _ in 0..<headerCount {
            let keyLength = Int(try body.readVarint())
            guard keyLength >= 0, keyLength <= body.remaining else { throw .invalid("invalid header key length") }
            body.position += keyLength
            _ = try body.skipRecordBytes("header value")
        }
        guard body.remaining == 0 else {
            throw .invalid("record has \(body.remaining) bytes after its headers")
        }
        return RecordLayout(
            size: end - start, attributes: Int8(bitPattern: attributes), timestampDelta: timestampDelta,
            offsetDelta: offsetDelta, keyStart: key.start, keyLength: key.length, valueStart: value.start,
            valueLength: value.length, headerCount: headerCount, headersStart: headersStart, end: end)
    }

    @inlinable
    init(
        size: Int, attributes: Int8, timestampDelta: Int64, offsetDelta: Int32, keyStart: Int, keyLength: Int,
        valueStart: Int, valueLength: Int, headerCount: Int, headersStart: Int, end: Int
    ) {
        self.size = size
        self.attributes = attributes
        self.timestampDelta = timestampDelta
        self.offsetDelta = offsetDelta
        self.keyStart = keyStart
        self.keyLength = keyLength
        self.valueStart = valueStart
        self.valueLength = valueLength
        self.headerCount = headerCount
        self.headersStart = headersStart
        self.end = end
    }
}

/// Reads record primitives straight from memory, for loops that only need numbers (produce
/// validation walks every record): no ByteBuffer slices, so no reference counting per field.
/// Reads never pass `end`, so a record's fields cannot run into the next record.
@usableFromInline
struct RawBytesReader {
    @usableFromInline let bytes: UnsafeRawBufferPointer
    @usableFromInline var position: Int
    @usableFromInline let end: Int

    /// Reads `bytes[start..<end]`; the caller guarantees `0 <= start <= end <= bytes.count`.
    @inlinable
    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
    }

    @inlinable var remaining: Int { end - position }

    @inlinable
    mutating func readByte() -> UInt8? {
        guard position < end else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    @inlinable
    mutating func readVarint() throws(KafkaProtocolError) -> Int32 {
        Varint.zigzag(try Varint.decodeUnsigned32 { readByte() })
    }

    @inlinable
    mutating func readVarlong() throws(KafkaProtocolError) -> Int64 {
        Varint.zigzag(try Varint.decodeUnsigned64 { readByte() })
    }

    /// A varint-length-prefixed byte field of a record, skipped: returns where it starts and its
    /// length (-1 = null). Other negative lengths and lengths past `end` are errors.
    @inlinable
    mutating func skipRecordBytes(_ what: StaticString) throws(KafkaProtocolError) -> (start: Int, length: Int) {
        let length = Int(try readVarint())
        if length == -1 { return (position, -1) }
        guard length >= 0, length <= remaining else { throw .truncated(what) }
        let start = position
        position += length
        return (start, length)
    }
}

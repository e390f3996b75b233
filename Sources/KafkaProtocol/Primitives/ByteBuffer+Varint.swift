import NIOCore

// Kafka's variable-length integers: unsigned LEB128 varints for compact lengths and tags,
// zig-zag signed varints/varlongs inside records.
extension ByteBuffer {
    @inlinable
    public mutating func readUnsignedVarint() throws(KafkaProtocolError) -> UInt32 {
        try Varint.decodeUnsigned32 { readInteger(as: UInt8.self) }
    }

    @inlinable
    public mutating func readUnsignedVarlong() throws(KafkaProtocolError) -> UInt64 {
        try Varint.decodeUnsigned64 { readInteger(as: UInt8.self) }
    }

    @inlinable
    public mutating func readVarint() throws(KafkaProtocolError) -> Int32 {
        Varint.zigzag(try readUnsignedVarint())
    }

    @inlinable
    public mutating func readVarlong() throws(KafkaProtocolError) -> Int64 {
        Varint.zigzag(try readUnsignedVarlong())
    }

    @inlinable
    @discardableResult
    public mutating func writeUnsignedVarint(_ value: UInt32) -> Int {
        var v = value
        var written = 0
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
            written += 1
        }
        writeInteger(UInt8(truncatingIfNeeded: v))
        return written + 1
    }

    @inlinable
    @discardableResult
    public mutating func writeUnsignedVarlong(_ value: UInt64) -> Int {
        var v = value
        var written = 0
        while v >= 0x80 {
            writeInteger(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
            written += 1
        }
        writeInteger(UInt8(truncatingIfNeeded: v))
        return written + 1
    }

    @inlinable
    @discardableResult
    public mutating func writeVarint(_ value: Int32) -> Int {
        writeUnsignedVarint(UInt32(bitPattern: (value << 1) ^ (value >> 31)))
    }

    @inlinable
    @discardableResult
    public mutating func writeVarlong(_ value: Int64) -> Int {
        writeUnsignedVarlong(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}

/// Decoding from any byte source (a ByteBuffer, raw bytes), and sizes of varints for computing
/// lengths before writing.
public enum Varint {
    /// Reads an unsigned LEB128 varint of at most 5 bytes from `next` (nil = no more bytes).
    @inlinable
    public static func decodeUnsigned32(_ next: () -> UInt8?) throws(KafkaProtocolError) -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            guard let byte = next() else { throw .truncated("unsigned varint") }
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 28 { throw .invalid("unsigned varint longer than 5 bytes") }
        }
    }

    /// Reads an unsigned LEB128 varlong of at most 10 bytes from `next`.
    @inlinable
    public static func decodeUnsigned64(_ next: () -> UInt8?) throws(KafkaProtocolError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard let byte = next() else { throw .truncated("unsigned varlong") }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { throw .invalid("varlong longer than 10 bytes") }
        }
    }

    @inlinable
    public static func zigzag(_ raw: UInt32) -> Int32 { Int32(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) }

    @inlinable
    public static func zigzag(_ raw: UInt64) -> Int64 { Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))) }

    @inlinable
    public static func size(unsigned value: UInt32) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    @inlinable
    public static func size(unsigned value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 { v >>= 7; n += 1 }
        return n
    }

    @inlinable
    public static func size(_ value: Int32) -> Int { size(unsigned: UInt32(bitPattern: (value << 1) ^ (value >> 31))) }

    @inlinable
    public static func size(_ value: Int64) -> Int { size(unsigned: UInt64(bitPattern: (value << 1) ^ (value >> 63))) }
}

import NIOCore

// Field codecs the generated messages call. Every read checks lengths before it allocates,
// so a hostile length prefix fails with an error instead of a huge allocation.
extension ByteBuffer {
    @inlinable
    public mutating func readKafkaInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(KafkaProtocolError) -> T {
        guard let value = readInteger(as: T.self) else { throw .truncated("integer") }
        return value
    }

    @inlinable
    public mutating func readKafkaBool() throws(KafkaProtocolError) -> Bool {
        guard let value = readInteger(as: UInt8.self) else { throw .truncated("bool") }
        return value != 0
    }

    @inlinable
    public mutating func readKafkaFloat64() throws(KafkaProtocolError) -> Double {
        guard let bits = readInteger(as: UInt64.self) else { throw .truncated("float64") }
        return Double(bitPattern: bits)
    }

    @inlinable
    public mutating func readKafkaUUID() throws(KafkaProtocolError) -> KafkaUUID {
        guard let high = readInteger(as: UInt64.self), let low = readInteger(as: UInt64.self) else {
            throw .truncated("uuid")
        }
        return KafkaUUID(high: high, low: low)
    }

    /// Reads a length: int16/int32 (classic) or unsigned varint minus one (compact). -1 means null.
    @inlinable @usableFromInline
    mutating func readKafkaLength(flexible: Bool, short: Bool) throws(KafkaProtocolError) -> Int {
        if flexible {
            return Int(try readUnsignedVarint()) - 1
        } else if short {
            return Int(try readKafkaInteger(as: Int16.self))
        } else {
            return Int(try readKafkaInteger(as: Int32.self))
        }
    }

    @inlinable
    public mutating func readKafkaNullableString(flexible: Bool) throws(KafkaProtocolError) -> String? {
        let length = try readKafkaLength(flexible: flexible, short: true)
        if length < 0 { return nil }
        guard let s = readString(length: length) else { throw .truncated("string") }
        return s
    }

    @inlinable
    public mutating func readKafkaString(flexible: Bool) throws(KafkaProtocolError) -> String {
        guard let s = try readKafkaNullableString(flexible: flexible) else {
            throw .invalid("non-nullable string field was null")
        }
        return s
    }

    @inlinable
    public mutating func readKafkaNullableBytes(flexible: Bool) throws(KafkaProtocolError) -> ByteBuffer? {
        let length = try readKafkaLength(flexible: flexible, short: false)
        if length < 0 { return nil }
        guard let slice = readSlice(length: length) else { throw .truncated("bytes") }
        return slice
    }

    @inlinable
    public mutating func readKafkaBytes(flexible: Bool) throws(KafkaProtocolError) -> ByteBuffer {
        guard let b = try readKafkaNullableBytes(flexible: flexible) else {
            throw .invalid("non-nullable bytes field was null")
        }
        return b
    }

    @inlinable
    public mutating func readKafkaRecords(flexible: Bool) throws(KafkaProtocolError) -> RecordsPayload? {
        guard let bytes = try readKafkaNullableBytes(flexible: flexible) else { return nil }
        return .bytes(bytes)
    }

    /// Reads an array count; nil for a null array. Each element takes at least one byte,
    /// so a count larger than the remaining bytes is rejected before anything is allocated.
    @inlinable
    public mutating func readKafkaArrayCount(flexible: Bool) throws(KafkaProtocolError) -> Int? {
        let count = try readKafkaLength(flexible: flexible, short: false)
        if count < 0 { return nil }
        guard count <= readableBytes else { throw .invalid("array count \(count) exceeds remaining \(readableBytes) bytes") }
        return count
    }

    @inlinable
    public mutating func readKafkaArray<T>(
        flexible: Bool,
        _ element: (inout ByteBuffer) throws(KafkaProtocolError) -> T
    ) throws(KafkaProtocolError) -> [T] {
        guard let array = try readKafkaNullableArray(flexible: flexible, element) else {
            throw .invalid("non-nullable array field was null")
        }
        return array
    }

    @inlinable
    public mutating func readKafkaNullableArray<T>(
        flexible: Bool,
        _ element: (inout ByteBuffer) throws(KafkaProtocolError) -> T
    ) throws(KafkaProtocolError) -> [T]? {
        guard let count = try readKafkaArrayCount(flexible: flexible) else { return nil }
        var result = [T]()
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(try element(&self)) }
        return result
    }

    /// Reads the tagged-field section, handing each field's bytes to `handle`.
    @inlinable
    public mutating func readKafkaTaggedFields(
        _ handle: (UInt32, inout ByteBuffer) throws(KafkaProtocolError) -> Void
    ) throws(KafkaProtocolError) {
        let count = try readUnsignedVarint()
        guard count <= readableBytes else { throw .invalid("tagged field count \(count) too large") }
        var previous: Int64 = -1
        for _ in 0..<count {
            let tag = try readUnsignedVarint()
            guard Int64(tag) > previous else { throw .invalid("tagged fields out of order") }
            previous = Int64(tag)
            let size = Int(try readUnsignedVarint())
            guard var slice = readSlice(length: size) else { throw .truncated("tagged field") }
            try handle(tag, &slice)
        }
    }

    // MARK: writing

    @inlinable
    public mutating func writeKafkaBool(_ value: Bool) { writeInteger(value ? 1 : 0, as: UInt8.self) }

    @inlinable
    public mutating func writeKafkaFloat64(_ value: Double) { writeInteger(value.bitPattern) }

    @inlinable
    public mutating func writeKafkaUUID(_ value: KafkaUUID) {
        writeInteger(value.high)
        writeInteger(value.low)
    }

    @inlinable @usableFromInline
    mutating func writeKafkaLength(_ length: Int, flexible: Bool, short: Bool) {
        if flexible {
            writeUnsignedVarint(UInt32(truncatingIfNeeded: length + 1))
        } else if short {
            writeInteger(Int16(truncatingIfNeeded: length))
        } else {
            writeInteger(Int32(truncatingIfNeeded: length))
        }
    }

    @inlinable
    public mutating func writeKafkaString(_ value: String?, flexible: Bool) {
        guard let value else {
            writeKafkaLength(-1, flexible: flexible, short: true)
            return
        }
        writeKafkaLength(value.utf8.count, flexible: flexible, short: true)
        writeString(value)
    }

    @inlinable
    public mutating func writeKafkaBytes(_ value: ByteBuffer?, flexible: Bool) {
        guard let value else {
            writeKafkaLength(-1, flexible: flexible, short: false)
            return
        }
        writeKafkaLength(value.readableBytes, flexible: flexible, short: false)
        writeImmutableBuffer(value)
    }

    @inlinable
    public mutating func writeKafkaArrayCount(_ count: Int?, flexible: Bool) {
        writeKafkaLength(count ?? -1, flexible: flexible, short: false)
    }
}

extension ByteBuffer {
    /// A nullable struct field: an int8 marker (-1 null) before the struct.
    @inlinable
    public mutating func readKafkaNullableStruct<T>(
        _ body: (inout ByteBuffer) throws(KafkaProtocolError) -> T
    ) throws(KafkaProtocolError) -> T? {
        let marker = try readKafkaInteger(as: Int8.self)
        if marker < 0 { return nil }
        return try body(&self)
    }
}

import NIOCore

/// A message in ZooKeeper's jute binary encoding: big-endian integers, 1-byte booleans,
/// length-prefixed buffers and UTF-8 strings (length -1 meaning null), count-prefixed vectors.
protocol JuteCodable: Sendable, Hashable {
    func encode(into buffer: inout ByteBuffer)
    init(from buffer: inout ByteBuffer) throws(ZooKeeperError)
}

extension ByteBuffer {
    mutating func writeJuteInt(_ value: Int32) { writeInteger(value) }
    mutating func writeJuteLong(_ value: Int64) { writeInteger(value) }
    mutating func writeJuteBool(_ value: Bool) { writeInteger(value ? UInt8(1) : UInt8(0)) }

    mutating func writeJuteBuffer(_ bytes: [UInt8]) {
        writeInteger(Int32(truncatingIfNeeded: bytes.count))
        writeBytes(bytes)
    }

    mutating func writeJuteString(_ string: String) {
        let lengthIndex = writerIndex
        writeInteger(Int32(0))
        let written = writeString(string)
        setInteger(Int32(truncatingIfNeeded: written), at: lengthIndex)
    }

    mutating func writeJuteStrings(_ strings: [String]) {
        writeInteger(Int32(truncatingIfNeeded: strings.count))
        for string in strings { writeJuteString(string) }
    }

    mutating func readJuteInt() throws(ZooKeeperError) -> Int32 {
        guard let value = readInteger(as: Int32.self) else { throw .marshalling("truncated int") }
        return value
    }

    mutating func readJuteLong() throws(ZooKeeperError) -> Int64 {
        guard let value = readInteger(as: Int64.self) else { throw .marshalling("truncated long") }
        return value
    }

    mutating func readJuteBool() throws(ZooKeeperError) -> Bool {
        guard let value = readInteger(as: UInt8.self) else { throw .marshalling("truncated boolean") }
        return value != 0
    }

    /// A buffer; null (-1) reads as empty. The length is checked before anything is allocated.
    mutating func readJuteBuffer() throws(ZooKeeperError) -> [UInt8] {
        let length = try readJuteLength(what: "buffer")
        guard let bytes = readBytes(length: length) else { throw .marshalling("truncated buffer") }
        return bytes
    }

    /// A ustring; null (-1) reads as the empty string.
    mutating func readJuteString() throws(ZooKeeperError) -> String {
        let length = try readJuteLength(what: "string")
        guard let string = readString(length: length) else { throw .marshalling("truncated string") }
        return string
    }

    mutating func readJuteStrings() throws(ZooKeeperError) -> [String] {
        let count = try readJuteCount(minimumElementSize: 4, what: "string vector")
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(try readJuteString()) }
        return strings
    }

    /// A length prefix: -1 (null) is 0; anything else must fit in what is left of the frame.
    private mutating func readJuteLength(what: String) throws(ZooKeeperError) -> Int {
        let length = Int(try readJuteInt())
        if length == -1 { return 0 }
        guard length >= 0, length <= readableBytes else {
            throw .marshalling("\(what) length \(length) exceeds the \(readableBytes) bytes left")
        }
        return length
    }

    /// A vector count, checked against the smallest size its elements can take.
    mutating func readJuteCount(minimumElementSize: Int, what: String) throws(ZooKeeperError) -> Int {
        let count = Int(try readJuteInt())
        if count == -1 { return 0 }
        guard count >= 0, count <= readableBytes / minimumElementSize else {
            throw .marshalling("\(what) count \(count) exceeds what the \(readableBytes) bytes left can hold")
        }
        return count
    }
}

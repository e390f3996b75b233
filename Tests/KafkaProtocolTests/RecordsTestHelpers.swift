import KafkaProtocol
import NIOCore

/// Shared helpers for the Records test suites.
enum RecordsTestHelpers {
    /// Bytes from a hex string; whitespace and newlines are ignored.
    static func bytes(hex: String) -> ByteBuffer {
        let digits = Array(hex.utf8.filter { !$0.isWhitespace })
        var buffer = ByteBuffer()
        var i = 0
        while i + 1 < digits.count {
            buffer.writeInteger(UInt8(nibble(digits[i]) << 4 | nibble(digits[i + 1])))
            i += 2
        }
        return buffer
    }

    private static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return 0
        }
    }

    static func string(_ buffer: ByteBuffer?) -> String? {
        buffer.map { String(buffer: $0) }
    }

    /// A batch of `count` records "k<i>"/"v<i>" with timestamps base + i.
    static func batch(
        count: Int, compression: CompressionCodec = .none, baseTimestamp: Int64 = 1_700_000_000_000,
        producerId: Int64 = -1, baseSequence: Int32 = -1, valueSize: Int = 0
    ) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(
            compression: compression, producerId: producerId, producerEpoch: producerId >= 0 ? 0 : -1,
            baseSequence: baseSequence)
        for i in 0..<count {
            let value = valueSize > 0 ? String(repeating: "v", count: valueSize) : "v\(i)"
            builder.append(key: "k\(i)", value: value, timestamp: baseTimestamp + Int64(i))
        }
        return try builder.build()
    }

    /// Decodes every record of a single batch into (key, value) strings.
    static func keysAndValues(_ batch: ByteBuffer) throws -> [(String?, String?)] {
        var batches = RecordBatchIterator(batch)
        guard let view = batches.next() else { return [] }
        var records = try view.recordIterator(maxBytes: 64 << 20)
        var out: [(String?, String?)] = []
        while let record = try records.next() {
            out.append((string(record.key), string(record.value)))
        }
        return out
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}

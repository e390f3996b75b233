import NIOCore

/// Kafka's default partition choice for keyed records, byte-compatible with the Java client
/// (`BuiltInPartitioner.partitionForKey`: `toPositive(murmur2(key)) % numPartitions`), so
/// keys land on the same partitions whichever client wrote them.
public enum Partitioner {
    /// 0 when `partitionCount` is not positive (there is nothing else to choose).
    public static func partition(forKey key: ByteBuffer, partitionCount: Int) -> Int32 {
        guard partitionCount > 0 else { return 0 }
        let hash = key.withUnsafeReadableBytes { murmur2($0) }
        return Int32(Int(toPositive(hash)) % partitionCount)
    }

    /// Java's `Utils.toPositive`: clears the sign bit (not abs, so MIN_VALUE maps to 0).
    public static func toPositive(_ value: Int32) -> Int32 {
        value & 0x7fff_ffff
    }

    public static func murmur2(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBytes { murmur2($0) }
    }

    /// Java's `Utils.murmur2` (seed 0x9747b28c, m 0x5bd1e995, r 24), little-endian 4-byte blocks.
    public static func murmur2(_ data: UnsafeRawBufferPointer) -> Int32 {
        let length = data.count
        let seed: UInt32 = 0x9747_b28c
        let m: UInt32 = 0x5bd1_e995
        let r: UInt32 = 24
        var h: UInt32 = seed ^ UInt32(truncatingIfNeeded: length)
        let blocks = length / 4
        for i in 0..<blocks {
            let base = i * 4
            var k = UInt32(data[base]) | UInt32(data[base + 1]) << 8 | UInt32(data[base + 2]) << 16
                | UInt32(data[base + 3]) << 24
            k = k &* m
            k ^= k >> r
            k = k &* m
            h = h &* m
            h ^= k
        }
        let tail = blocks * 4
        switch length % 4 {
        case 3:
            h ^= UInt32(data[tail + 2]) << 16
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 2:
            h ^= UInt32(data[tail + 1]) << 8
            h ^= UInt32(data[tail])
            h = h &* m
        case 1:
            h ^= UInt32(data[tail])
            h = h &* m
        default:
            break
        }
        h ^= h >> 13
        h = h &* m
        h ^= h >> 15
        return Int32(bitPattern: h)
    }
}

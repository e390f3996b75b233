import Foundation
import KafkaProtocol
import NIOCore
import Testing

@Suite struct CRC32CTests {
    @Test func checkValue() {
        // The standard check value of CRC-32C (RFC 3720 appendix, "123456789").
        let buffer = ByteBuffer(string: "123456789")
        #expect(CRC32C.checksum(buffer, at: buffer.readerIndex, length: 9) == 0xE306_9283)
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func iSCSIVectors() {
        // RFC 3720 B.4: 32 bytes of zeros, of 0xFF, and an incrementing sequence.
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    }

    @Test func emptyInputKeepsTheSeed() {
        let empty = ByteBuffer()
        #expect(CRC32C.checksum(empty, at: 0, length: 0) == 0)
        #expect(CRC32C.update(0x1234_5678, empty, at: 0, length: 0) == 0x1234_5678)
    }

    @Test func honoursIndexIntoLargerBuffer() {
        var buffer = ByteBuffer(string: "xxxx123456789yyyy")
        buffer.moveReaderIndex(forwardBy: 2)
        #expect(CRC32C.checksum(buffer, at: 4, length: 9) == 0xE306_9283)
    }

    @Test func incrementalEqualsOneShot() {
        let bytes = Self.randomBytes(count: 100_003, seed: 7)
        let buffer = ByteBuffer(bytes: bytes)
        let whole = CRC32C.checksum(buffer, at: 0, length: bytes.count)
        let first = CRC32C.checksum(buffer, at: 0, length: 40_000)
        #expect(CRC32C.update(first, buffer, at: 40_000, length: bytes.count - 40_000) == whole)
    }

    @Test(arguments: [1, 7, 8, 9, 255, 767, 768, 769, 4096, 24_575, 24_576, 24_577, 70_001, 1_048_579])
    func hardwareMatchesSoftware(length: Int) {
        let bytes = Self.randomBytes(count: length + 5, seed: UInt64(length))
        // Unaligned starts exercise the byte-at-a-time prologue of both paths.
        for start in 0..<3 {
            let slice = bytes[start..<(start + length)]
            let fast = slice.withUnsafeBytes { CRC32C.checksum($0) }
            let slow = slice.withUnsafeBytes { CRC32C.softwareChecksum($0) }
            #expect(fast == slow, "length \(length) start \(start)")
            #expect(fast == Self.bitwise(slice), "length \(length) start \(start)")
        }
    }

    #if arch(x86_64) && os(Linux)
    @Test func usesSSE42WhenTheCPUHasIt() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let hasSSE42 = cpuinfo.split(separator: "\n").contains { $0.hasPrefix("flags") && $0.contains(" sse4_2") }
        #expect(CRC32C.isHardwareAccelerated == hasSSE42)
    }
    #endif

    /// Bit-at-a-time reference, independent of both table-driven implementations.
    static func bitwise<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return ~crc
    }

    /// Deterministic pseudo-random bytes (SplitMix64), so failures reproduce.
    static func randomBytes(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for shift in stride(from: 0, to: 64, by: 8) where out.count < count {
                out.append(UInt8(truncatingIfNeeded: z >> UInt64(shift)))
            }
        }
        return out
    }
}

import CPetrelSupport
import NIOCore

/// CRC-32C (Castagnoli), the checksum of Kafka record batches v2.
///
/// Backed by CPetrelSupport: SSE4.2 when available, slicing-by-8 otherwise. Works on the
/// buffer's storage directly, never copying.
public enum CRC32C {
    /// Checksum of `length` bytes starting at absolute index `index` of `buffer`.
    ///
    /// Callers check bounds first (record batch decoding does). A range outside the written
    /// bytes is clamped, which yields a checksum that will not match rather than a crash.
    @inlinable
    public static func checksum(_ buffer: ByteBuffer, at index: Int, length: Int) -> UInt32 {
        update(0, buffer, at: index, length: length)
    }

    /// Continues a checksum `crc` over more bytes, so discontiguous pieces can be summed.
    @inlinable
    public static func update(_ crc: UInt32, _ buffer: ByteBuffer, at index: Int, length: Int) -> UInt32 {
        let start = max(0, index)
        let end = min(buffer.writerIndex, index + max(0, length))
        guard end > start else { return crc }
        return buffer.withVeryUnsafeBytes { storage in
            petrel_crc32c(crc, storage.baseAddress.map { $0 + start }, end - start)
        }
    }

    /// Checksum of raw bytes.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, crc: UInt32 = 0) -> UInt32 {
        guard bytes.count > 0 else { return crc }
        return petrel_crc32c(crc, bytes.baseAddress, bytes.count)
    }

    /// Checksum of a byte sequence (tests and small inputs).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        let array = Array(bytes)
        return array.withUnsafeBytes { checksum($0) }
    }

    /// The portable table implementation, for checking the hardware path against.
    public static func softwareChecksum(_ bytes: UnsafeRawBufferPointer, crc: UInt32 = 0) -> UInt32 {
        guard bytes.count > 0 else { return crc }
        return petrel_crc32c_software(crc, bytes.baseAddress, bytes.count)
    }

    /// True when the CPU's CRC32 instruction is in use.
    public static var isHardwareAccelerated: Bool { petrel_crc32c_is_hardware() != 0 }
}

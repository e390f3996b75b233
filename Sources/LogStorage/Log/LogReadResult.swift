import NIOCore

/// A run of whole record batches in one segment file, found by `PartitionLog.read`. It holds the
/// file, so the bytes stay readable after the segment is deleted; send them with `fileRegion()`
/// (sendfile) on plaintext listeners or copy them with `readBytes()` (pread) for TLS.
public struct LogReadResult: Sendable {
    /// The segment file the bytes live in; nil for an empty result.
    let file: SegmentFile?
    /// Where the first batch starts in the segment file.
    public let position: Int64
    /// Bytes of whole batches from `position`; 0 when there is nothing to return.
    public let length: Int
    /// Base offset of the first batch returned (-1 when empty).
    public let firstOffset: Int64
    /// The partition's offsets when the read was made.
    public let logStartOffset: Int64
    public let logEndOffset: Int64
    public let highWatermark: Int64

    public var isEmpty: Bool { length == 0 }

    /// A FileRegion over the bytes, on its own duplicate of the segment's descriptor (NIO lets one
    /// user at a time work a NIOFileHandle, and concurrent fetches on other event loops would
    /// otherwise collide). The caller owns `region.fileHandle` and must close it once the write
    /// completes or fails. Nil for an empty result or when no descriptor is left (fall back to
    /// `readBytes()`).
    public func fileRegion() -> FileRegion? {
        guard length > 0, let handle = file?.makeFileHandle() else { return nil }
        return FileRegion(fileHandle: handle, readerIndex: Int(position), endIndex: Int(position) + length)
    }

    /// The bytes copied into memory with pread, for listeners that cannot sendfile (TLS).
    public func readBytes() throws(StorageError) -> ByteBuffer {
        guard length > 0, let file else { return ByteBuffer() }
        let bytes = try file.read(at: position, length: length)
        guard bytes.readableBytes == length else {
            throw StorageError(.kafkaStorageError, "segment \(file.path) ended before \(position + Int64(length)) (truncated concurrently)")
        }
        return bytes
    }

    static func empty(logStartOffset: Int64, logEndOffset: Int64, highWatermark: Int64) -> LogReadResult {
        LogReadResult(
            file: nil, position: 0, length: 0, firstOffset: -1, logStartOffset: logStartOffset,
            logEndOffset: logEndOffset, highWatermark: highWatermark)
    }
}

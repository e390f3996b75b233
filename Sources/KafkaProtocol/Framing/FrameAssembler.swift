import NIOCore

/// Splits a byte stream into Kafka frames: a big-endian int32 size, then that many bytes.
/// Pure state, no I/O: feed it each read, take frames out.
///
/// A frame that arrives whole inside one read is handed out as a slice of that read (no copy).
/// A frame that spans reads gets one buffer of exactly its size as soon as its size is known
/// (as Kafka's NetworkReceive does), and later reads are appended to it, so a large request is
/// copied once and never moved or compacted.
///
/// Frames above `maxFrameSize` (socket.request.max.bytes) or with a negative size are errors;
/// after one the stream cannot be framed any more and the connection must close.
public struct KafkaFrameAssembler: Sendable {
    public let maxFrameSize: Int
    /// The size field read so far when it spans reads (big-endian, `sizeBytesRead` bytes).
    private var partialSize: UInt32 = 0
    private var sizeBytesRead = 0
    /// A frame spanning reads: its buffer and its full size.
    private(set) var pending: ByteBuffer?
    private var pendingSize = 0

    public init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    /// Bytes held for an incomplete frame (its size field too while that is incomplete).
    public var bufferedBytes: Int { sizeBytesRead + (pending?.readableBytes ?? 0) }

    /// Takes bytes from `input` until a frame is complete and returns it; nil once `input` is
    /// used up without completing one (its bytes are kept for the next read). Call until nil.
    public mutating func nextFrame(
        from input: inout ByteBuffer, allocator: ByteBufferAllocator
    ) throws(FrameError) -> ByteBuffer? {
        if var frame = pending {
            // Out of `self` first, so the append below finds the storage unshared.
            pending = nil
            let take = min(pendingSize - frame.readableBytes, input.readableBytes)
            if let bytes = input.readSlice(length: take) { frame.writeImmutableBuffer(bytes) }
            if frame.readableBytes == pendingSize { return frame }
            pending = frame
            return nil
        }
        guard let size = try readSize(from: &input) else { return nil }
        if let whole = input.readSlice(length: size) { return whole }
        var frame = allocator.buffer(capacity: size)
        frame.writeBuffer(&input)
        pending = frame
        pendingSize = size
        return nil
    }

    /// The next frame's size, checked; nil when `input` ends inside the size field.
    private mutating func readSize(from input: inout ByteBuffer) throws(FrameError) -> Int? {
        let raw: Int32
        if sizeBytesRead == 0, let whole = input.readInteger(as: Int32.self) {
            raw = whole
        } else {
            while sizeBytesRead < 4, let byte = input.readInteger(as: UInt8.self) {
                partialSize = partialSize << 8 | UInt32(byte)
                sizeBytesRead += 1
            }
            guard sizeBytesRead == 4 else { return nil }
            raw = Int32(bitPattern: partialSize)
            partialSize = 0
            sizeBytesRead = 0
        }
        guard raw >= 0 else { throw .negativeSize(Int(raw)) }
        guard Int(raw) <= maxFrameSize else { throw .tooLarge(size: Int(raw), max: maxFrameSize) }
        return Int(raw)
    }
}

public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    case negativeSize(Int)
    case tooLarge(size: Int, max: Int)

    public var description: String {
        switch self {
        case .negativeSize(let s): return "frame size \(s) is negative"
        case .tooLarge(let s, let max): return "frame size \(s) exceeds socket.request.max.bytes \(max)"
        }
    }
}

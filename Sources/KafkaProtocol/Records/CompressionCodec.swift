import NIOCore

/// The compression of a record batch: attribute bits 0-2.
public enum CompressionCodec: Int16, Sendable, CaseIterable, CustomStringConvertible {
    case none = 0
    case gzip = 1
    case snappy = 2
    case lz4 = 3
    case zstd = 4

    /// The codec named by the attribute bits, or nil for the reserved values 5-7.
    @inlinable
    public init?(attributes: Int16) {
        self.init(rawValue: attributes & RecordBatchHeader.compressionCodecMask)
    }

    /// The name used by the `compression.type` topic config.
    public var name: String {
        switch self {
        case .none: return "none"
        case .gzip: return "gzip"
        case .snappy: return "snappy"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }

    public init?(name: String) {
        guard let codec = Self.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = codec
    }

    public var description: String { name }
}

/// A compressed records section could not be (de)compressed.
public struct CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input is not valid data for the codec (or is truncated).
        case corrupt
        /// Decompressed output would exceed the caller's limit (zip-bomb protection).
        case outputTooLarge
        /// The library failed for a reason unrelated to the input (allocation, setup).
        case libraryFailure
    }

    public var kind: Kind
    public var codec: CompressionCodec
    public var message: String

    public init(_ kind: Kind, _ codec: CompressionCodec, _ message: String) {
        self.kind = kind
        self.codec = codec
        self.message = message
    }

    public var description: String { "\(codec) \(kind): \(message)" }

    static func tooLarge(_ codec: CompressionCodec, limit: Int) -> CompressionError {
        CompressionError(.outputTooLarge, codec, "decompressed size exceeds \(limit) bytes")
    }
}

extension CompressionCodec {
    /// Compresses `input`'s readable bytes in the wire format Kafka's Java client writes:
    /// gzip, xerial-framed snappy, LZ4 frame (independent 64 KiB blocks), zstd frame.
    public func compress(
        _ input: ByteBuffer, allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(CompressionError) -> ByteBuffer {
        switch self {
        case .none: return input
        case .gzip: return try GzipCodec.compress(input, allocator: allocator)
        case .snappy: return try SnappyCodec.compress(input, allocator: allocator)
        case .lz4: return try LZ4Codec.compress(input, allocator: allocator)
        case .zstd: return try ZstdCodec.compress(input, allocator: allocator)
        }
    }

    /// Decompresses `input`'s readable bytes, failing with `.outputTooLarge` rather than
    /// producing more than `maxOutputBytes`. `sizeHint` sizes the first allocation.
    public func decompress(
        _ input: ByteBuffer, maxOutputBytes: Int, sizeHint: Int? = nil,
        allocator: ByteBufferAllocator = ByteBufferAllocator()
    ) throws(CompressionError) -> ByteBuffer {
        if self == .none {
            guard input.readableBytes <= max(0, maxOutputBytes) else { throw .tooLarge(self, limit: max(0, maxOutputBytes)) }
            return input
        }
        var output = allocator.buffer(capacity: 0)
        try decompress(input, into: &output, maxOutputBytes: maxOutputBytes, sizeHint: sizeHint)
        return output
    }

    /// Decompresses into `output`, replacing its contents: a buffer reused across batches keeps
    /// its capacity, so steady-state decompression allocates nothing.
    public func decompress(
        _ input: ByteBuffer, into output: inout ByteBuffer, maxOutputBytes: Int, sizeHint: Int? = nil
    ) throws(CompressionError) {
        let limit = max(0, maxOutputBytes)
        // Start near the typical ratio; growth is geometric after that.
        let initial = min(limit, max(256, sizeHint ?? input.readableBytes * 4))
        output.clear()
        switch self {
        case .none:
            guard input.readableBytes <= limit else { throw .tooLarge(self, limit: limit) }
            output.writeImmutableBuffer(input)
        case .gzip: try GzipCodec.decompress(input, limit: limit, initial: initial, into: &output)
        case .snappy: try SnappyCodec.decompress(input, limit: limit, into: &output)
        case .lz4: try LZ4Codec.decompress(input, limit: limit, initial: initial, into: &output)
        case .zstd: try ZstdCodec.decompress(input, limit: limit, initial: initial, into: &output)
        }
    }
}

/// Next output chunk size for streaming decompression: doubles what has been produced so far,
/// never asking for more than one byte past the limit (that byte detects overflow).
@usableFromInline
func nextChunk(produced: Int, limit: Int, initial: Int) -> Int {
    let wanted = max(initial, min(produced, 4 << 20), 4096)
    return max(1, min(wanted, limit - produced + 1))
}

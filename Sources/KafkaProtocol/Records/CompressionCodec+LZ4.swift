import CLZ4
import NIOCore

/// LZ4 frame format. Kafka's Lz4BlockInputStream rejects linked blocks, so writing uses
/// independent 64 KiB blocks without content checksum, as Kafka's Lz4BlockOutputStream does.
enum LZ4Codec {
    static func preferences() -> LZ4F_preferences_t {
        var prefs = LZ4F_preferences_t()
        prefs.frameInfo.blockSizeID = LZ4F_max64KB
        prefs.frameInfo.blockMode = LZ4F_blockIndependent
        prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum
        prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum
        prefs.compressionLevel = 0
        return prefs
    }

    static func compress(_ input: ByteBuffer, allocator: ByteBufferAllocator) throws(CompressionError) -> ByteBuffer {
        var prefs = preferences()
        let bound = LZ4F_compressFrameBound(input.readableBytes, &prefs)
        var output = allocator.buffer(capacity: bound)
        var result = 0
        input.withUnsafeReadableBytes { source in
            _ = output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { target in
                result = LZ4F_compressFrame(target.baseAddress, target.count, source.baseAddress, source.count, &prefs)
                return LZ4F_isError(result) != 0 ? 0 : result
            }
        }
        if LZ4F_isError(result) != 0 {
            throw CompressionError(.libraryFailure, .lz4, String(cString: LZ4F_getErrorName(result)))
        }
        return output
    }

    /// Appends the decompressed bytes to `output`, which the caller emptied.
    static func decompress(
        _ input: ByteBuffer, limit: Int, initial: Int, into output: inout ByteBuffer
    ) throws(CompressionError) {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let dctx = context else {
            throw CompressionError(.libraryFailure, .lz4, "cannot create decompression context")
        }
        defer { LZ4F_freeDecompressionContext(dctx) }
        output.reserveCapacity(minimumWritableBytes: initial)
        var hint = 1 // nonzero: a frame is in progress
        var errorCode = 0
        input.withUnsafeReadableBytes { source in
            guard let base = source.baseAddress else { return }
            var consumed = 0
            while output.readableBytes <= limit {
                let chunk = nextChunk(produced: output.readableBytes, limit: limit, initial: initial)
                var progressed = false
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { target in
                    var produced = min(chunk, target.count)
                    var sourceSize = source.count - consumed
                    hint = LZ4F_decompress(dctx, target.baseAddress, &produced, base + consumed, &sourceSize, nil)
                    consumed += sourceSize
                    progressed = produced > 0 || sourceSize > 0
                    if LZ4F_isError(hint) != 0 { errorCode = hint; return 0 }
                    return produced
                }
                if errorCode != 0 { return }
                // Frame complete and input used up: done. Frames may be concatenated.
                if hint == 0 && consumed == source.count { return }
                if !progressed { return }
            }
        }
        if output.readableBytes > limit { throw .tooLarge(.lz4, limit: limit) }
        if errorCode != 0 {
            throw CompressionError(.corrupt, .lz4, String(cString: LZ4F_getErrorName(errorCode)))
        }
        guard hint == 0 else { throw CompressionError(.corrupt, .lz4, "truncated lz4 frame") }
    }
}

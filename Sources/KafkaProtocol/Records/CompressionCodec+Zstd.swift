import CZstd
import NIOCore

/// Zstandard frames. Decompression streams because producers need not record the content size.
enum ZstdCodec {
    /// Kafka's default zstd level.
    static let level: Int32 = 3

    static func compress(_ input: ByteBuffer, allocator: ByteBufferAllocator) throws(CompressionError) -> ByteBuffer {
        let bound = ZSTD_compressBound(input.readableBytes)
        var output = allocator.buffer(capacity: bound)
        var result = 0
        input.withUnsafeReadableBytes { source in
            _ = output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { target in
                result = ZSTD_compress(target.baseAddress, target.count, source.baseAddress, source.count, level)
                return ZSTD_isError(result) != 0 ? 0 : result
            }
        }
        if ZSTD_isError(result) != 0 {
            throw CompressionError(.libraryFailure, .zstd, String(cString: ZSTD_getErrorName(result)))
        }
        return output
    }

    /// Appends the decompressed bytes to `output`, which the caller emptied.
    static func decompress(
        _ input: ByteBuffer, limit: Int, initial: Int, into output: inout ByteBuffer
    ) throws(CompressionError) {
        guard let stream = ZSTD_createDStream() else {
            throw CompressionError(.libraryFailure, .zstd, "cannot create decompression stream")
        }
        defer { ZSTD_freeDStream(stream) }
        // Bound the window so a hostile frame cannot make the decoder allocate a huge history.
        _ = ZSTD_DCtx_setParameter(stream, ZSTD_d_windowLogMax, 27)
        output.reserveCapacity(minimumWritableBytes: initial)
        var hint = 1 // nonzero: a frame is in progress
        var inputBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        input.withUnsafeReadableBytes { source in
            inputBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            while output.readableBytes <= limit {
                let chunk = nextChunk(produced: output.readableBytes, limit: limit, initial: initial)
                var progressed = false
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { target in
                    var outputBuffer = ZSTD_outBuffer(dst: target.baseAddress, size: min(chunk, target.count), pos: 0)
                    let before = inputBuffer.pos
                    hint = ZSTD_decompressStream(stream, &outputBuffer, &inputBuffer)
                    progressed = outputBuffer.pos > 0 || inputBuffer.pos > before
                    return ZSTD_isError(hint) != 0 ? 0 : outputBuffer.pos
                }
                if ZSTD_isError(hint) != 0 { return }
                // hint 0: a frame ended and everything it produced is flushed. Frames may be concatenated.
                if hint == 0 && inputBuffer.pos == inputBuffer.size { return }
                if !progressed { return }
            }
        }
        if output.readableBytes > limit { throw .tooLarge(.zstd, limit: limit) }
        if ZSTD_isError(hint) != 0 {
            throw CompressionError(.corrupt, .zstd, String(cString: ZSTD_getErrorName(hint)))
        }
        guard hint == 0 else { throw CompressionError(.corrupt, .zstd, "truncated zstd frame") }
    }
}

import CZlib
import NIOCore

/// gzip via zlib. Kafka uses the gzip container (GZIPOutputStream), not raw zlib; reading also
/// accepts zlib headers and concatenated gzip members, as Java's GZIPInputStream does.
enum GzipCodec {
    static func compress(_ input: ByteBuffer, allocator: ByteBufferAllocator) throws(CompressionError) -> ByteBuffer {
        var stream = z_stream()
        let windowBitsGzip: Int32 = 15 + 16
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBitsGzip, 8,
                            Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw CompressionError(.libraryFailure, .gzip, "deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.readableBytes)))
        var output = allocator.buffer(capacity: bound)
        var status: Int32 = Z_OK
        input.withUnsafeReadableBytes { source in
            stream.next_in = source.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
            }
            stream.avail_in = uInt(source.count)
            _ = output.writeWithUnsafeMutableBytes(minimumWritableBytes: bound) { target in
                stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(target.count)
                status = deflate(&stream, Z_FINISH)
                return target.count - Int(stream.avail_out)
            }
        }
        guard status == Z_STREAM_END else {
            throw CompressionError(.libraryFailure, .gzip, "deflate returned \(status)")
        }
        return output
    }

    /// Appends the decompressed bytes to `output`, which the caller emptied.
    static func decompress(
        _ input: ByteBuffer, limit: Int, initial: Int, into output: inout ByteBuffer
    ) throws(CompressionError) {
        var stream = z_stream()
        let windowBitsAuto: Int32 = 15 + 32
        guard inflateInit2_(&stream, windowBitsAuto, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw CompressionError(.libraryFailure, .gzip, "inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        output.reserveCapacity(minimumWritableBytes: initial)
        var status: Int32 = Z_OK
        input.withUnsafeReadableBytes { source in
            stream.next_in = source.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
            }
            stream.avail_in = uInt(source.count)
            while output.readableBytes <= limit {
                let chunk = nextChunk(produced: output.readableBytes, limit: limit, initial: initial)
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: chunk) { target in
                    stream.next_out = target.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(min(chunk, target.count))
                    let before = stream.avail_out
                    status = inflate(&stream, Z_NO_FLUSH)
                    return Int(before - stream.avail_out)
                }
                if status == Z_STREAM_END {
                    // Another gzip member may follow. Like GZIPInputStream, stop quietly at
                    // trailing bytes that do not start one.
                    guard stream.avail_in >= 2, let next = stream.next_in,
                          next[0] == 0x1F, next[1] == 0x8B else { return }
                    guard inflateReset(&stream) == Z_OK else { return }
                    status = Z_OK
                } else if status != Z_OK {
                    return
                }
            }
        }
        if output.readableBytes > limit { throw .tooLarge(.gzip, limit: limit) }
        switch status {
        case Z_STREAM_END: return
        case Z_BUF_ERROR: throw CompressionError(.corrupt, .gzip, "truncated gzip stream")
        case Z_MEM_ERROR: throw CompressionError(.libraryFailure, .gzip, "out of memory")
        default:
            let detail = stream.msg.map { String(cString: $0) } ?? "inflate returned \(status)"
            throw CompressionError(.corrupt, .gzip, detail)
        }
    }
}

import CSnappy
import NIOCore

/// Snappy. Kafka's Java client writes xerial framing (SnappyOutputStream):
/// `0x82 "SNAPPY" 0x00`, be32 version 1, be32 compatible version 1, then blocks of
/// `[be32 length][raw snappy]`. librdkafka may write either that or one raw snappy block,
/// so reading accepts both; writing matches Java.
enum SnappyCodec {
    static let xerialMagic: [UInt8] = [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00]
    static let xerialHeaderSize = 16
    /// SnappyOutputStream's default block size.
    static let xerialBlockSize = 32 * 1024

    static func compress(_ input: ByteBuffer, allocator: ByteBufferAllocator) throws(CompressionError) -> ByteBuffer {
        let total = input.readableBytes
        let blocks = (total + xerialBlockSize - 1) / xerialBlockSize
        let bound = xerialHeaderSize + blocks * (4 + snappy_max_compressed_length(xerialBlockSize))
        var output = allocator.buffer(capacity: bound)
        output.writeBytes(xerialMagic)
        output.writeInteger(Int32(1))
        output.writeInteger(Int32(1))
        var failed = false
        input.withUnsafeReadableBytes { source in
            var offset = 0
            while offset < total, !failed {
                let length = min(xerialBlockSize, total - offset)
                let lengthIndex = output.writerIndex
                output.writeInteger(Int32(0))
                let blockBound = snappy_max_compressed_length(length)
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: blockBound) { target in
                    var written = target.count
                    let status = snappy_compress(
                        source.baseAddress.map { ($0 + offset).assumingMemoryBound(to: CChar.self) }, length,
                        target.baseAddress?.assumingMemoryBound(to: CChar.self), &written)
                    if status != SNAPPY_OK { failed = true; return 0 }
                    return written
                }
                output.setInteger(Int32(output.writerIndex - lengthIndex - 4), at: lengthIndex)
                offset += length
            }
        }
        if failed { throw CompressionError(.libraryFailure, .snappy, "snappy_compress failed") }
        return output
    }

    /// Appends the decompressed bytes to `output`, which the caller emptied.
    static func decompress(_ input: ByteBuffer, limit: Int, into output: inout ByteBuffer) throws(CompressionError) {
        let isXerial = input.readableBytes >= xerialMagic.count
            && input.readableBytesView.prefix(xerialMagic.count).elementsEqual(xerialMagic)
        if !isXerial {
            try appendRaw(input, at: input.readerIndex, length: input.readableBytes, to: &output, limit: limit)
            return
        }
        output.reserveCapacity(minimumWritableBytes: min(limit, input.readableBytes * 3))
        var position = input.readerIndex
        let end = input.writerIndex
        while position < end {
            // Concatenated streams repeat the header; a block length can never equal the magic
            // (it would be over 2 GiB), so the check is unambiguous.
            if end - position >= xerialMagic.count,
               input.getBytes(at: position, length: xerialMagic.count) == xerialMagic {
                guard end - position >= xerialHeaderSize else {
                    throw CompressionError(.corrupt, .snappy, "truncated xerial header")
                }
                position += xerialHeaderSize
                continue
            }
            guard let length = input.getInteger(at: position, as: Int32.self) else {
                throw CompressionError(.corrupt, .snappy, "truncated xerial block length")
            }
            guard length >= 0, Int(length) <= end - position - 4 else {
                throw CompressionError(.corrupt, .snappy, "xerial block length \(length) exceeds input")
            }
            try appendRaw(input, at: position + 4, length: Int(length), to: &output, limit: limit)
            position += 4 + Int(length)
        }
    }

    /// Decompresses one raw snappy block at absolute `index` and appends it to `output`.
    private static func appendRaw(
        _ input: ByteBuffer, at index: Int, length: Int, to output: inout ByteBuffer, limit: Int
    ) throws(CompressionError) {
        var status = SNAPPY_OK
        var tooLarge = false
        input.withVeryUnsafeBytes { storage in
            let source = storage.baseAddress.map { ($0 + index).assumingMemoryBound(to: CChar.self) }
            // The declared length comes first, so the limit is checked before allocating.
            var declared = 0
            status = snappy_uncompressed_length(source, length, &declared)
            guard status == SNAPPY_OK else { return }
            guard declared <= limit - output.readableBytes else { tooLarge = true; return }
            guard declared > 0 else { return }
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: declared) { target in
                var produced = declared
                status = snappy_uncompress(source, length, target.baseAddress?.assumingMemoryBound(to: CChar.self), &produced)
                return status == SNAPPY_OK ? produced : 0
            }
        }
        if tooLarge { throw .tooLarge(.snappy, limit: limit) }
        guard status == SNAPPY_OK else {
            throw CompressionError(.corrupt, .snappy, "invalid snappy block")
        }
    }
}

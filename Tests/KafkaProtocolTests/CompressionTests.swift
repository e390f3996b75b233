import KafkaProtocol
import NIOCore
import Testing

@Suite struct CompressionTests {
    static let codecs: [CompressionCodec] = [.gzip, .snappy, .lz4, .zstd]

    static func sample(_ kind: Int) -> ByteBuffer {
        switch kind {
        case 0: return ByteBuffer()
        case 1: return ByteBuffer(string: "a")
        case 2: return ByteBuffer(string: String(repeating: "kafka record ", count: 20_000))
        default: return ByteBuffer(bytes: CRC32CTests.randomBytes(count: 300_001, seed: 99))
        }
    }

    @Test(arguments: codecs, 0..<4)
    func roundTrips(codec: CompressionCodec, kind: Int) throws {
        let input = Self.sample(kind)
        let compressed = try codec.compress(input)
        if kind == 2 { #expect(compressed.readableBytes < input.readableBytes / 5) }
        let output = try codec.decompress(compressed, maxOutputBytes: input.readableBytes)
        #expect(output == input)
    }

    @Test(arguments: codecs)
    func rejectsGarbage(codec: CompressionCodec) {
        let garbage = ByteBuffer(bytes: CRC32CTests.randomBytes(count: 1_000, seed: 5))
        #expect(throws: CompressionError.self) { try codec.decompress(garbage, maxOutputBytes: 1 << 20) }
        #expect(throws: CompressionError.self) { try codec.decompress(ByteBuffer(), maxOutputBytes: 1 << 20) }
    }

    @Test(arguments: codecs)
    func rejectsTruncatedInput(codec: CompressionCodec) throws {
        let input = Self.sample(3)
        let compressed = try codec.compress(input)
        let truncated = compressed.getSlice(at: 0, length: compressed.readableBytes - 10) ?? ByteBuffer()
        #expect(throws: CompressionError.self) { try codec.decompress(truncated, maxOutputBytes: 1 << 20) }
    }

    /// A tiny input that inflates past the limit fails instead of allocating the whole output.
    @Test(arguments: codecs)
    func boundsDecompressedSize(codec: CompressionCodec) throws {
        let bomb = ByteBuffer(repeating: 0, count: 4 << 20)
        let compressed = try codec.compress(bomb)
        #expect(compressed.readableBytes < 256 << 10)
        do {
            _ = try codec.decompress(compressed, maxOutputBytes: 1 << 20)
            Issue.record("expected outputTooLarge")
        } catch {
            #expect(error.kind == .outputTooLarge)
            #expect(error.codec == codec)
        }
        // Exactly at the limit is fine.
        #expect(try codec.decompress(compressed, maxOutputBytes: 4 << 20).readableBytes == 4 << 20)
    }

    @Test func noneCodecIsIdentityWithLimit() throws {
        let input = ByteBuffer(string: "plain")
        #expect(try CompressionCodec.none.compress(input) == input)
        #expect(try CompressionCodec.none.decompress(input, maxOutputBytes: 5) == input)
        #expect(throws: CompressionError.self) { try CompressionCodec.none.decompress(input, maxOutputBytes: 4) }
    }

    @Test func snappyWritesXerialFraming() throws {
        let input = Self.sample(2) // 260 000 bytes: several 32 KiB blocks
        let compressed = try CompressionCodec.snappy.compress(input)
        #expect(compressed.getBytes(at: 0, length: 8) == [0x82, 0x53, 0x4E, 0x41, 0x50, 0x50, 0x59, 0x00])
        #expect(compressed.getInteger(at: 8, as: Int32.self) == 1)
        #expect(compressed.getInteger(at: 12, as: Int32.self) == 1)
        var blocks = 0
        var position = 16
        while position < compressed.writerIndex {
            let length = Int(compressed.getInteger(at: position, as: Int32.self) ?? -1)
            #expect(length > 0)
            position += 4 + length
            blocks += 1
        }
        #expect(position == compressed.writerIndex)
        #expect(blocks == (input.readableBytes + 32_767) / 32_768)
    }

    @Test func snappyAcceptsRawAndConcatenatedXerial() throws {
        // A raw block is the xerial stream minus its framing when the input fits in one block.
        let input = ByteBuffer(string: String(repeating: "raw snappy ", count: 1_000))
        let xerial = try CompressionCodec.snappy.compress(input)
        let raw = xerial.getSlice(at: 20, length: xerial.readableBytes - 20) ?? ByteBuffer()
        #expect(try CompressionCodec.snappy.decompress(raw, maxOutputBytes: 1 << 20) == input)

        var twice = xerial
        twice.writeImmutableBuffer(xerial)
        var expected = input
        expected.writeImmutableBuffer(input)
        #expect(try CompressionCodec.snappy.decompress(twice, maxOutputBytes: 1 << 20) == expected)
    }

    @Test func gzipReadsConcatenatedMembersAndIgnoresTrailingJunk() throws {
        let a = ByteBuffer(string: "first member ")
        let b = ByteBuffer(string: "second member")
        var stream = try CompressionCodec.gzip.compress(a)
        stream.writeImmutableBuffer(try CompressionCodec.gzip.compress(b))
        var expected = a
        expected.writeImmutableBuffer(b)
        #expect(try CompressionCodec.gzip.decompress(stream, maxOutputBytes: 100) == expected)
        stream.writeBytes([0, 0, 0])
        #expect(try CompressionCodec.gzip.decompress(stream, maxOutputBytes: 100) == expected)
    }

    @Test func gzipUsesTheGzipContainer() throws {
        let compressed = try CompressionCodec.gzip.compress(ByteBuffer(string: "x"))
        #expect(compressed.getBytes(at: 0, length: 2) == [0x1F, 0x8B])
    }

    @Test func lz4UsesIndependentBlocksLikeKafka() throws {
        let compressed = try CompressionCodec.lz4.compress(Self.sample(2))
        #expect(compressed.getInteger(at: 0, endianness: .little, as: UInt32.self) == 0x184D_2204)
        let flags = compressed.getInteger(at: 4, as: UInt8.self) ?? 0
        #expect(flags & 0x20 != 0, "block independence")
        #expect(flags & 0x04 == 0, "no content checksum")
        #expect(flags >> 6 == 1, "frame version 01")
        #expect((compressed.getInteger(at: 5, as: UInt8.self) ?? 0) >> 4 & 0x7 == 4, "64 KiB blocks")
    }

    @Test func codecNamesAndBits() {
        #expect(CompressionCodec(attributes: 0x1A) == .snappy)
        #expect(CompressionCodec(attributes: 0x07) == nil)
        #expect(CompressionCodec(name: "ZSTD") == .zstd)
        #expect(CompressionCodec(name: "producer") == nil)
        #expect(CompressionCodec.allCases.map(\.name) == ["none", "gzip", "snappy", "lz4", "zstd"])
    }
}

@testable import KafkaProtocol
import NIOCore
import NIOEmbedded
import Testing

@Suite struct FrameAssemblerTests {
    static let allocator = ByteBufferAllocator()

    static func frame(_ payload: [UInt8]) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeInteger(Int32(payload.count))
        out.writeBytes(payload)
        return out
    }

    /// Feeds `reads` in order and collects every frame.
    static func frames(_ reads: [ByteBuffer], max: Int = 1 << 20) throws -> [[UInt8]] {
        var assembler = KafkaFrameAssembler(maxFrameSize: max)
        var out: [[UInt8]] = []
        for var read in reads {
            while let frame = try assembler.nextFrame(from: &read, allocator: allocator) {
                out.append(Array(frame.readableBytesView))
            }
            #expect(read.readableBytes == 0)
        }
        return out
    }

    @Test func framesInsideOneReadAreSlicesOfIt() throws {
        var read = Self.frame([1, 2, 3])
        read.writeImmutableBuffer(Self.frame([]))
        read.writeImmutableBuffer(Self.frame([4]))
        var assembler = KafkaFrameAssembler(maxFrameSize: 100)
        let first = try #require(try assembler.nextFrame(from: &read, allocator: Self.allocator))
        #expect(Array(first.readableBytesView) == [1, 2, 3])
        // A slice shares the read's storage: same bytes in memory.
        let sameMemory = read.withUnsafeReadableBytes { rest in
            first.withUnsafeReadableBytes { $0.baseAddress.map { $0 + 3 } == rest.baseAddress }
        }
        #expect(sameMemory)
        #expect(try assembler.nextFrame(from: &read, allocator: Self.allocator)?.readableBytes == 0)
        #expect(try assembler.nextFrame(from: &read, allocator: Self.allocator).map { Array($0.readableBytesView) } == [4])
        #expect(try assembler.nextFrame(from: &read, allocator: Self.allocator) == nil)
    }

    @Test func oneByteAtATime() throws {
        var stream = Self.frame(Array(0..<200))
        stream.writeImmutableBuffer(Self.frame([9, 9]))
        let reads = stream.readableBytesView.map { ByteBuffer(bytes: [$0]) }
        #expect(try Self.frames(reads) == [Array(0..<200), [9, 9]])
    }

    @Test func sizeFieldSplitAcrossReads() throws {
        let whole = Self.frame([7, 8, 9])
        for cut in 1..<whole.readableBytes {
            let reads = [
                whole.getSlice(at: 0, length: cut) ?? ByteBuffer(),
                whole.getSlice(at: cut, length: whole.readableBytes - cut) ?? ByteBuffer(),
            ]
            #expect(try Self.frames(reads) == [[7, 8, 9]], "cut at \(cut)")
        }
    }

    /// A frame spanning reads lands in one buffer reserved for its size: later reads are appended
    /// in place (the memory never moves) and nothing is compacted.
    @Test func largeFrameIsAssembledInOneBufferOfItsSize() throws {
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var stream = Self.frame(payload)
        stream.writeImmutableBuffer(Self.frame([1]))
        var assembler = KafkaFrameAssembler(maxFrameSize: 1 << 20)
        var frames: [ByteBuffer] = []
        var firstAddress: UnsafeRawPointer?
        while stream.readableBytes > 0 {
            var read = stream.readSlice(length: min(stream.readableBytes, 65_536)) ?? ByteBuffer()
            while let frame = try assembler.nextFrame(from: &read, allocator: Self.allocator) { frames.append(frame) }
            if frames.isEmpty {
                // Everything read so far except the 4-byte size field is held for the frame.
                #expect(assembler.bufferedBytes == 300_009 - 4 - stream.readableBytes)
                let address = assembler.pending?.withUnsafeReadableBytes { $0.baseAddress }
                if firstAddress == nil { firstAddress = address }
                #expect(address == firstAddress)
                #expect((assembler.pending?.capacity ?? 0) >= payload.count)
            }
        }
        #expect(frames.count == 2)
        #expect(frames.first?.withUnsafeReadableBytes { $0.baseAddress } == firstAddress)
        #expect(frames.first.map { Array($0.readableBytesView) } == payload)
        #expect(frames.last.map { Array($0.readableBytesView) } == [1])
        #expect(assembler.bufferedBytes == 0)
    }

    @Test func oversizedAndNegativeSizesAreErrors() throws {
        var big = ByteBuffer()
        big.writeInteger(Int32(101))
        var assembler = KafkaFrameAssembler(maxFrameSize: 100)
        #expect(throws: FrameError.tooLarge(size: 101, max: 100)) {
            _ = try assembler.nextFrame(from: &big, allocator: Self.allocator)
        }
        var negative = ByteBuffer(bytes: [0xFF, 0xFF])
        var other = KafkaFrameAssembler(maxFrameSize: 100)
        #expect(try other.nextFrame(from: &negative, allocator: Self.allocator) == nil)
        var rest = ByteBuffer(bytes: [0xFF, 0xFE])
        #expect(throws: FrameError.negativeSize(-2)) {
            _ = try other.nextFrame(from: &rest, allocator: Self.allocator)
        }
        // Exactly the maximum is fine.
        #expect(try Self.frames([Self.frame(Array(repeating: 1, count: 100))], max: 100).count == 1)
    }

    /// In a pipeline: frames go on, a bad size reaches errorCaught once and later bytes are dropped.
    @Test func handlerPassesFramesAndStopsAfterAnError() throws {
        let channel = EmbeddedChannel(handler: KafkaFrameHandler(maxFrameSize: 10))
        var read = Self.frame([1, 2])
        read.writeInteger(Int32(11))
        read.writeBytes([0, 0])
        #expect(throws: FrameError.tooLarge(size: 11, max: 10)) { try channel.writeInbound(read) }
        #expect(try channel.readInbound(as: ByteBuffer.self).map { Array($0.readableBytesView) } == [1, 2])
        try channel.writeInbound(Self.frame([3]))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try? channel.finish()
    }
}

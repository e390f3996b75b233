import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordsBatchIteratorTests {
    static func concatenated(_ counts: [Int]) throws -> (ByteBuffer, [Int]) {
        var all = ByteBuffer()
        var sizes: [Int] = []
        for (i, count) in counts.enumerated() {
            var batch = try RecordsTestHelpers.batch(count: count, compression: i % 2 == 0 ? .none : .gzip)
            RecordBatch.setBaseOffset(Int64(i * 100), in: &batch, at: 0)
            sizes.append(batch.readableBytes)
            all.writeImmutableBuffer(batch)
        }
        return (all, sizes)
    }

    @Test func walksConcatenatedBatches() throws {
        let (buffer, sizes) = try Self.concatenated([3, 1, 4])
        var iterator = RecordBatchIterator(buffer)
        var seen: [(Int64, Int, Int)] = []
        while let view = iterator.next() {
            seen.append((view.header.baseOffset, view.index, view.bytes.readableBytes))
            #expect(view.header.crcIsValid(in: buffer, at: view.index))
            #expect(view.bytes.readableBytes == view.header.totalSize)
        }
        #expect(seen.map(\.0) == [0, 100, 200])
        #expect(seen.map(\.1) == [0, sizes[0], sizes[0] + sizes[1]])
        #expect(seen.map(\.2) == sizes)
        #expect(iterator.stop == nil && iterator.trailingPartialBytes == 0)
    }

    @Test(arguments: [1, 11, 12, 17, 60, 61, 80])
    func stopsCleanlyAtPartialTail(tailBytes: Int) throws {
        let (whole, sizes) = try Self.concatenated([2, 2])
        let cut = min(tailBytes, sizes[1] - 1)
        let buffer = whole.getSlice(at: 0, length: sizes[0] + cut) ?? ByteBuffer()
        var iterator = RecordBatchIterator(buffer)
        #expect(iterator.next()?.header.baseOffset == 0)
        #expect(iterator.next() == nil)
        #expect(iterator.stop == .partialBatch(bytes: cut))
        #expect(iterator.trailingPartialBytes == cut)
        #expect(iterator.next() == nil)
    }

    @Test func respectsReaderIndex() throws {
        var buffer = ByteBuffer(string: "junk")
        buffer.writeImmutableBuffer(try RecordsTestHelpers.batch(count: 1))
        buffer.moveReaderIndex(forwardBy: 4)
        var iterator = RecordBatchIterator(buffer)
        let viewNext = iterator.next()
        let view = try #require(viewNext)
        #expect(view.index == 4)
        #expect(view.records.readableBytes == view.header.totalSize - RecordBatchHeader.size)
        #expect(try RecordsTestHelpers.keysAndValues(view.bytes).map(\.0) == ["k0"])
    }

    @Test func reportsImpossibleLengthAndOldMagic() throws {
        var batch = try RecordsTestHelpers.batch(count: 1)
        batch.setInteger(Int32(10), at: RecordBatchHeader.batchLengthOffset)
        var iterator = RecordBatchIterator(batch)
        #expect(iterator.next() == nil)
        #expect(iterator.stop == .invalidLength(index: 0, length: 10))

        var old = try RecordsTestHelpers.batch(count: 1)
        old.setInteger(Int8(1), at: RecordBatchHeader.magicOffset)
        var oldIterator = RecordBatchIterator(old)
        #expect(oldIterator.next() == nil)
        #expect(oldIterator.stop == .unsupportedMagic(index: 0, magic: 1))
    }

    @Test func emptyBufferYieldsNothing() {
        var iterator = RecordBatchIterator(ByteBuffer())
        #expect(iterator.next() == nil)
        #expect(iterator.stop == nil)
    }
}

import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct PartitionLogReadTests {
    private func openLog(_ dir: TestDirectory, config: LogConfig = LogConfig(), io: any LogFileIO = PosixFileIO()) throws -> PartitionLog {
        try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, io: io, logger: quietLogger)
    }

    @Test func appendStoresAssignedOffsetsAndLeavesTheCallersBytesAlone() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        let first = makeBatch(records: 3, timestamp: 100)
        let a = try log.append(first, leaderEpoch: 7, logAppendTime: nil)
        let second = makeBatch(records: 2, timestamp: 200)
        let secondBefore = ByteBuffer(bytes: Array(second.readableBytesView))
        let b = try log.append(second, leaderEpoch: 7, logAppendTime: nil)
        #expect(a.firstOffset == 0 && a.lastOffset == 2 && a.maxTimestamp == 102 && a.logAppendTime == -1)
        #expect(b.firstOffset == 3 && b.lastOffset == 4)
        #expect(log.logEndOffset == 5)
        // The caller's bytes (shared with a request frame in the broker) are untouched.
        #expect(second == secondBefore)

        // Stored: the same bytes with offset and epoch stamped, CRC untouched and valid.
        let result = try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 5, minOneBatch: true)
        let stored = try result.readBytes()
        var expected = first
        expected.writeImmutableBuffer(second)
        expected.setInteger(Int64(3), at: first.readableBytes + RecordBatchHeader.baseOffsetOffset)
        for index in [0, first.readableBytes] {
            expected.setInteger(Int32(7), at: index + RecordBatchHeader.partitionLeaderEpochOffset)
        }
        #expect(stored == expected)
        let stamped = headers(in: stored)
        #expect(stamped.map(\.baseOffset) == [0, 3] && stamped.map(\.partitionLeaderEpoch) == [7, 7])
        #expect(RecordBatch.crcIsValid(in: stored, at: stored.readerIndex + first.readableBytes))
        #expect(result.firstOffset == 0 && result.position == 0 && result.length == expected.readableBytes)
        #expect(log.size == Int64(expected.readableBytes))
    }

    @Test func readFromTheMiddleOfABatchReturnsTheContainingBatch() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        try log.appendBatch(records: 5)
        try log.appendBatch(records: 5)
        try log.appendBatch(records: 5)
        let result = try log.read(from: 7, maxBytes: 1 << 20, maxOffset: 15, minOneBatch: false)
        let batches = headers(in: try result.readBytes())
        #expect(batches.map(\.baseOffset) == [5, 10])
        #expect(result.firstOffset == 5)
    }

    @Test func maxBytesReturnsWholeBatchesAndMinOneBatchReturnsAnOversizedFirstBatch() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        let size = makeBatch(records: 4, valueSize: 100).readableBytes
        for _ in 0..<4 { try log.appendBatch(records: 4, valueSize: 100) }
        let two = try log.read(from: 0, maxBytes: 2 * size + size / 2, maxOffset: 16, minOneBatch: false)
        #expect(two.length == 2 * size)
        #expect(headers(in: try two.readBytes()).map(\.baseOffset) == [0, 4])

        let tooSmall = try log.read(from: 4, maxBytes: size - 1, maxOffset: 16, minOneBatch: false)
        #expect(tooSmall.isEmpty)
        let forced = try log.read(from: 4, maxBytes: size - 1, maxOffset: 16, minOneBatch: true)
        #expect(forced.length == size)
        #expect(headers(in: try forced.readBytes()).map(\.baseOffset) == [4])
    }

    @Test func neverReturnsBatchesAtOrAboveMaxOffset() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        for _ in 0..<3 { try log.appendBatch(records: 2) }
        log.updateHighWatermark(4)
        let result = try log.read(from: 0, maxBytes: 1 << 20, maxOffset: log.highWatermark, minOneBatch: true)
        #expect(headers(in: try result.readBytes()).map(\.lastOffset) == [1, 3])
        // At the high watermark but below the log end: nothing yet, and no error.
        #expect(try log.read(from: 4, maxBytes: 1 << 20, maxOffset: 4, minOneBatch: true).isEmpty)
    }

    @Test func offsetsOutsideTheLogAreOutOfRangeAndTheLogEndIsEmpty() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        for _ in 0..<4 { try log.appendBatch(records: 5) }
        log.updateHighWatermark(20)
        #expect(try log.read(from: 20, maxBytes: 100, maxOffset: 20, minOneBatch: true).isEmpty)
        #expect(throws: StorageError.self) { try log.read(from: 21, maxBytes: 100, maxOffset: 20, minOneBatch: true) }
        do {
            _ = try log.read(from: 21, maxBytes: 100, maxOffset: 20, minOneBatch: true)
        } catch {
            #expect(error.code == .offsetOutOfRange)
            #expect(error.topic == "t" && error.partition == 0 && error.offset == 21)
        }
        try log.deleteRecords(before: 10)
        do {
            _ = try log.read(from: 9, maxBytes: 100, maxOffset: 20, minOneBatch: true)
            Issue.record("a read below the log start offset must fail")
        } catch {
            #expect(error.code == .offsetOutOfRange)
        }
        #expect(try log.read(from: 10, maxBytes: 1 << 20, maxOffset: 20, minOneBatch: true).firstOffset == 10)
    }

    @Test func logAppendTimeRewritesTheBatchAndKeepsItsChecksumValid() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        let result = try log.appendBatch(records: 3, timestamp: 5, logAppendTime: 9_999)
        #expect(result.logAppendTime == 9_999 && result.maxTimestamp == 9_999)
        let bytes = try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 3, minOneBatch: true).readBytes()
        let header = try #require(RecordBatchHeader(buffer: bytes, at: bytes.readerIndex))
        #expect(header.timestampType == .logAppendTime && header.maxTimestamp == 9_999)
        #expect(header.crcIsValid(in: bytes, at: bytes.readerIndex))
    }

    @Test func appendIsOneWriteEvenForManyBatches() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let log = try openLog(dir, io: io)
        var records = ByteBuffer()
        for _ in 0..<50 { records.writeImmutableBuffer(makeBatch(records: 3)) }
        let before = io.writes
        let result = try log.append(records, leaderEpoch: 0, logAppendTime: 42)
        #expect(io.writes - before == 1)
        #expect(result.firstOffset == 0 && result.lastOffset == 149 && result.batchCount == 50)
        let stored = try log.readAll(from: 0)
        #expect(stored.map(\.baseOffset) == Array(stride(from: 0, to: 150, by: 3)))
        #expect(stored.allSatisfy { $0.timestampType == .logAppendTime && $0.maxTimestamp == 42 })
        // Nothing of the stamping reached the caller's buffer.
        #expect(headers(in: records).allSatisfy { $0.baseOffset == 0 && $0.timestampType == .createTime })
    }

    @Test func zeroCopyRegionCoversTheSameBytesOnItsOwnDescriptor() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        for _ in 0..<3 { try log.appendBatch(records: 2) }
        let result = try log.read(from: 2, maxBytes: 1 << 20, maxOffset: 6, minOneBatch: true)
        let region = try #require(result.fileRegion())
        defer { try? region.fileHandle.close() }
        #expect(region.readerIndex == Int(result.position) && region.readableBytes == result.length)
        let other = try #require(result.fileRegion())
        defer { try? other.fileHandle.close() }
        // Two fetches must not share one NIOFileHandle (NIO allows one user at a time).
        #expect(region.fileHandle !== other.fileHandle)
    }

    @Test func rejectsBuffersThatAreNotWholeBatches() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        let batch = makeBatch(records: 2)
        let torn = batch.getSlice(at: 0, length: batch.readableBytes - 3) ?? ByteBuffer()
        #expect(throws: StorageError.self) { try log.append(torn, leaderEpoch: 0, logAppendTime: nil) }
        let empty = ByteBuffer()
        #expect(throws: StorageError.self) { try log.append(empty, leaderEpoch: 0, logAppendTime: nil) }
        #expect(log.logEndOffset == 0 && log.size == 0)
        _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        #expect(log.logEndOffset == 2)
    }
}

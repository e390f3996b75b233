import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

/// Appends write [stamped header][client bytes] per batch with pwritev; these check the short
/// write and ENOSPC handling of that path against real files.
@Suite struct VectoredWriteTests {
    static func open(_ dir: TestDirectory, io: any LogFileIO) throws -> PartitionLog {
        try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: LogConfig(), io: io, logger: quietLogger)
    }

    static func batches(_ count: Int, records: Int = 2, valueSize: Int = 10) -> ByteBuffer {
        var out = ByteBuffer()
        for i in 0..<count { out.writeImmutableBuffer(makeBatch(records: records, timestamp: Int64(1_000 + i), valueSize: valueSize)) }
        return out
    }

    static func fileBytes(_ dir: TestDirectory) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: "\(dir.path)/t-0/00000000000000000000.log")))
    }

    /// ENOSPC after part of a ten-batch append: at the start of a header, inside one, at the
    /// header/body boundary, inside a body, just before the end. Each leaves the log as before.
    @Test(arguments: [0, 10, 61, 70, 200, 400])
    func enospcPartWayIsCutBack(after bytes: Int) throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let log = try Self.open(dir, io: io)
        try log.appendBatch(records: 3)
        let sizeBefore = log.size
        let records = Self.batches(10)
        #expect(bytes < records.readableBytes)
        io.failNextWrite(after: bytes)
        #expect(throws: StorageError.self) { try log.append(records, leaderEpoch: 0, logAppendTime: 5) }
        #expect(log.logEndOffset == 3 && log.size == sizeBefore)
        #expect(try Self.fileBytes(dir).count == Int(sizeBefore))
        // The same bytes go in whole on the next try, and a restart recovers every batch.
        #expect(try log.append(records, leaderEpoch: 0, logAppendTime: 5).firstOffset == 3)
        let reopened = try Self.open(dir, io: PosixFileIO())
        #expect(reopened.loadSummary.truncatedBytes == 0 && reopened.logEndOffset == 23)
        #expect(try reopened.readAll(from: 0).map(\.baseOffset) == [0] + Array(stride(from: 3, to: 23, by: 2)))
    }

    /// The kernel may write less than asked without an error; the rest is written from where
    /// it stopped, whether that is inside a header, a body or on a boundary.
    @Test(arguments: [1, 7, 61, 64, 1000])
    func shortWritesResumeWhereTheyStopped(limit: Int) throws {
        let reference = TestDirectory()
        let plain = try Self.open(reference, io: PosixFileIO())
        let records = Self.batches(6, valueSize: 50)
        _ = try plain.append(records, leaderEpoch: 4, logAppendTime: 77)

        let dir = TestDirectory()
        let io = FaultyIO()
        let log = try Self.open(dir, io: io)
        io.limitWrites(to: limit)
        let before = io.writes
        _ = try log.append(records, leaderEpoch: 4, logAppendTime: 77)
        io.limitWrites(to: nil)
        #expect(io.writes - before == (records.readableBytes + limit - 1) / limit)
        #expect(try Self.fileBytes(dir) == Self.fileBytes(reference))
        let stored = try log.readAll(from: 0)
        #expect(stored.map(\.baseOffset) == Array(stride(from: 0, to: 12, by: 2)))
        let bytes = try log.read(from: 0, maxBytes: 1 << 20, maxOffset: 12, minOneBatch: true).readBytes()
        var iterator = RecordBatchIterator(bytes)
        while let batch = iterator.next() {
            #expect(batch.header.crcIsValid(in: bytes, at: batch.index))
            #expect(batch.header.maxTimestamp == 77 && batch.header.partitionLeaderEpoch == 4)
        }
    }

    /// More batches than one pwritev takes (IOV_MAX 1024 vectors, two per batch) are written
    /// in several calls, in order.
    @Test func moreVectorsThanIOVMaxAreWrittenInOrder() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let log = try Self.open(dir, io: io)
        let records = Self.batches(1_100, records: 1, valueSize: 1)
        let before = io.writes
        let result = try log.append(records, leaderEpoch: 0, logAppendTime: nil)
        #expect(result.firstOffset == 0 && result.lastOffset == 1_099)
        #expect(io.writes - before == 3)
        #expect(io.mostVectorsInOneWrite == 1_024)
        #expect(try log.readAll(from: 0).map(\.baseOffset) == Array(0..<1_100))
        #expect(try Self.fileBytes(dir).count == records.readableBytes)
    }

    /// ENOSPC in the second of several pwritev calls still cuts the whole append back.
    @Test func enospcInALaterChunkCutsTheWholeAppendBack() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let log = try Self.open(dir, io: io)
        let records = Self.batches(1_100, records: 1, valueSize: 1)
        let writesBefore = io.writes
        // The first call writes its 1024 vectors (512 batches) in full, the second fails.
        io.failNextWrite(after: records.readableBytes)
        #expect(throws: StorageError.self) { try log.append(records, leaderEpoch: 0, logAppendTime: nil) }
        #expect(io.writes == 2 + writesBefore)
        #expect(log.size == 0 && log.logEndOffset == 0)
        #expect(try Self.fileBytes(dir).isEmpty)
    }
}

import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct SegmentRollTests {
    @Test func rollsWhenSegmentBytesWouldBeExceeded() throws {
        let dir = TestDirectory()
        let batchSize = makeBatch(records: 2, valueSize: 50).readableBytes
        var config = LogConfig()
        config.segmentBytes = batchSize * 3
        let log = try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, logger: quietLogger)
        for _ in 0..<7 { try log.appendBatch(records: 2, valueSize: 50) }
        // Three batches fit per segment; the seventh starts a third segment at offset 12.
        #expect(log.segmentBaseOffsets == [0, 6, 12])
        #expect(dir.files(in: "t-0").filter { $0.hasSuffix(".log") } == [
            "00000000000000000000.log", "00000000000000000006.log", "00000000000000000012.log",
        ])
        #expect(log.size == Int64(batchSize * 7))
        // A too-large append is refused rather than rolled forever.
        let big = makeBatch(records: 1, valueSize: batchSize * 4)
        do {
            _ = try log.append(big, leaderEpoch: 0, logAppendTime: nil)
            Issue.record("an append larger than segment.bytes must fail")
        } catch {
            #expect(error.code == .recordListTooLarge)
        }
    }

    @Test func rollsWhenSegmentMsHasPassedSinceTheFirstAppend() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        var config = LogConfig()
        config.segmentMs = 60_000
        let log = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, clock: clock, logger: quietLogger)
        try log.appendBatch(records: 1)
        clock.advance(by: 59_999)
        try log.appendBatch(records: 1)
        #expect(log.segmentCount == 1)
        clock.advance(by: 1)
        try log.appendBatch(records: 1)
        #expect(log.segmentBaseOffsets == [0, 2])
        // The new segment's own clock starts at its first append.
        clock.advance(by: 30_000)
        try log.appendBatch(records: 1)
        #expect(log.segmentCount == 2)
    }

    @Test func readsAndIndexLookupsWorkAcrossManySegments() throws {
        let dir = TestDirectory()
        var config = LogConfig()
        config.segmentBytes = 4 * 1024
        config.indexIntervalBytes = 256
        let log = try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, logger: quietLogger)
        var expected: [(base: Int64, last: Int64)] = []
        for round in 0..<300 {
            let count = round % 4 + 1
            let result = try log.appendBatch(records: count, timestamp: Int64(round) * 10, valueSize: 20)
            expected.append((result.firstOffset, result.lastOffset))
        }
        #expect(log.segmentCount > 5)
        // Every offset reads back its containing batch, through the sparse index of its segment.
        for (base, last) in expected {
            for offset in base...last {
                let result = try log.read(from: offset, maxBytes: 1, maxOffset: log.logEndOffset, minOneBatch: true)
                let batches = headers(in: try result.readBytes())
                #expect(batches.count == 1 && batches.first?.baseOffset == base && batches.first?.lastOffset == last)
            }
        }
        // A large read stops at the end of its segment: bytes come from one file only.
        let bases = log.segmentBaseOffsets
        let read = try log.read(from: 0, maxBytes: 1 << 20, maxOffset: log.logEndOffset, minOneBatch: true)
        #expect(headers(in: try read.readBytes()).last.map { $0.lastOffset + 1 } == bases[1])
        // And reading everything chunk by chunk returns every batch once, in order.
        #expect(try log.readAll(from: 0, maxBytes: 3000).map(\.baseOffset) == expected.map(\.base))
    }

    @Test func offsetIndexIsSparseAndBinarySearched() throws {
        let dir = TestDirectory()
        let index = OffsetIndex(baseOffset: 1000, path: "\(dir.path)/x.index", maxEntries: 100)
        for step in 1...50 { index.append(offset: 1000 + Int64(step) * 10, position: Int64(step) * 4096) }
        index.append(offset: 1100, position: 1)  // out of order: ignored
        #expect(index.count == 50)
        #expect(index.lookup(999) == (1000, 0))
        #expect(index.lookup(1015) == (1010, 4096))
        #expect(index.lookup(1500) == (1500, 50 * 4096))
        #expect(index.lastEntry(from: 0, atOrBelow: 10_000, offsetBelow: .max) == 8192)
        #expect(index.lastEntry(from: 0, atOrBelow: Int64.max, offsetBelow: 1031) == Int64(3 * 4096))
        index.truncate(toPosition: 4096 * 20)
        #expect(index.count == 19 && index.last?.offset == 1190)
        try index.entries.seal(io: PosixFileIO())
        let reloaded = try #require(IndexEntries.load(path: "\(dir.path)/x.index", entrySize: 8, sealed: true))
        let copy = OffsetIndex(baseOffset: 1000, entries: reloaded, maxEntries: 100)
        #expect(copy.count == 19 && copy.lookup(1105) == (1100, 10 * 4096))
        // Appending to a sealed (mapped) index brings it back to memory.
        copy.append(offset: 1200, position: 20 * 4096)
        #expect(copy.count == 20 && copy.lookup(5000) == (1200, 20 * 4096))
    }

    @Test func timeIndexFindsTheLastEntryBelowATimestamp() throws {
        let dir = TestDirectory()
        let index = TimeIndex(baseOffset: 0, path: "\(dir.path)/x.timeindex", maxEntries: 100)
        index.maybeAppend(timestamp: 100, offset: 0)
        index.maybeAppend(timestamp: 200, offset: 10)
        index.maybeAppend(timestamp: 150, offset: 20)  // not larger: skipped
        index.maybeAppend(timestamp: 300, offset: 30)
        #expect(index.count == 3)
        #expect(index.lastEntry(below: 100) == nil)
        #expect(index.lastEntry(below: 201)?.offset == 10)
        #expect(index.lastEntry(below: 200)?.offset == 0)
        index.truncate(toOffset: 30)
        #expect(index.last?.timestamp == 200)
    }
}

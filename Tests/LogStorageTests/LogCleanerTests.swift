import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct LogCleanerTests {
    private func openLog(_ dir: TestDirectory, _ config: LogConfig, clock: any LogClock = SystemLogClock()) throws -> PartitionLog {
        try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, clock: clock, logger: quietLogger)
    }

    /// 20 rounds over 10 keys, one batch per round, then one batch in the active segment.
    private func writeRounds(_ log: PartitionLog, codec: CompressionCodec = .none, rounds: Int = 20, keys: Int = 10) throws {
        for round in 0..<rounds {
            try log.appendKeyed((0..<keys).map { KV("key-\($0)", "v\(round)-\($0)-\(String(repeating: "x", count: 40))") }, compression: codec)
        }
    }

    @Test(arguments: CompressionCodec.allCases)
    func keepsTheLatestValuePerKeyAtItsOriginalOffsetWithTheSameCodec(codec: CompressionCodec) throws {
        let dir = TestDirectory()
        let log = try openLog(dir, compactedConfig(segmentBytes: codec == .none ? 2048 : 700))
        try writeRounds(log, codec: codec)
        let before = try log.storedRecords()
        let activeBase = try #require(log.segmentBaseOffsets.last)
        #expect(log.segmentCount > 3)
        let sizeBefore = log.size
        let sealed = before.filter { $0.offset < activeBase }
        let end = log.logEndOffset

        let cleaner = makeCleaner([log], dataDir: dir.path)
        let summary = try #require(cleaner.cleanOnce())
        #expect(summary.endOffset == activeBase)
        #expect(summary.recordsRead == Int64(sealed.count))
        #expect(cleaner.firstDirtyOffset(topic: "t", partition: 0) == activeBase)

        let after = try log.storedRecords()
        // The sealed part holds exactly the latest record of each key written there.
        #expect(after.filter { $0.offset < activeBase } == latestPerKey(sealed))
        // The active segment is untouched.
        #expect(after.filter { $0.offset >= activeBase } == before.filter { $0.offset >= activeBase })
        // The latest value of every key is still the one a reader sees last.
        #expect(latestPerKey(after) == latestPerKey(before))
        #expect(log.logEndOffset == end && log.highWatermark == end)
        for (header, _) in try log.storedBatches() {
            #expect(header.compression == codec || header.recordCount == 0)
        }
        #expect(log.size < sizeBefore)
        #expect(!dir.files(in: "t-0").contains { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") })

        // The cleaned log reloads as it is, after a clean close and after a crash.
        try log.close()
        let reopened = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: compactedConfig(), recovery: LogRecoveryState(cleanShutdown: false),
            logger: quietLogger)
        reopened.updateHighWatermark(reopened.logEndOffset)
        #expect(try reopened.storedRecords() == after)
    }

    private func visible(_ log: PartitionLog) throws -> [String] {
        try log.storedRecords().filter { $0.key != "roller" }.map { "\($0.key ?? "")=\($0.value ?? "nil")" }
    }

    @Test func tombstonesStayUntilDeleteRetentionThenGo() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, compactedConfig(segmentBytes: 400), clock: clock)
        for round in 0..<3 { try log.appendKeyed(["a", "b", "c"].map { (key: String) in KV(key, "\(key)\(round)") }) }
        try log.appendKeyed([KV("b", nil)])
        try log.appendKeyed([KV("c", "c-final")])
        for filler in 0..<6 { try log.appendKeyed([KV("roller", "\(filler)-\(String(repeating: "r", count: 60))")]) }
        let cleaner = makeCleaner([log], clock: clock, dataDir: dir.path)
        _ = try #require(cleaner.cleanOnce())

        // First pass: the tombstone stays, and its batch now carries the delete horizon.
        var batches = try log.storedBatches()
        let tombstoneBatch = try #require(batches.first { $0.records.contains { $0.key == "b" } })
        #expect(tombstoneBatch.records.map(\.value) == [nil])
        #expect(tombstoneBatch.header.hasDeleteHorizon)
        #expect(tombstoneBatch.header.baseTimestamp == clock.nowMs + 1_000)
        // Record timestamps are kept through the horizon rewrite.
        #expect(tombstoneBatch.records[0].timestamp == 1_000)
        let afterFirst = try visible(log)
        #expect(afterFirst == ["a=a2", "b=nil", "c=c-final"])

        // Before the horizon a new pass keeps it; after it, the key is gone.
        for filler in 0..<6 { try log.appendKeyed([KV("roller", "x\(filler)-\(String(repeating: "r", count: 60))")]) }
        _ = try #require(cleaner.cleanOnce())
        #expect(try log.storedRecords().contains { $0.key == "b" })
        clock.advance(by: 1_001)
        for filler in 0..<6 { try log.appendKeyed([KV("roller", "y\(filler)-\(String(repeating: "r", count: 60))")]) }
        _ = try #require(cleaner.cleanOnce())
        batches = try log.storedBatches()
        let afterExpiry = try visible(log)
        #expect(afterExpiry == ["a=a2", "c=c-final"])
    }

    @Test func theActiveSegmentIsNeverCleaned() throws {
        let dir = TestDirectory()
        let log = try openLog(dir, compactedConfig(segmentBytes: 1 << 20))
        try writeRounds(log, rounds: 5)
        let before = try log.storedRecords()
        #expect(log.segmentCount == 1)
        #expect(makeCleaner([log], dataDir: dir.path).cleanOnce() == nil)
        #expect(try log.storedRecords() == before)
    }

    @Test func youngSegmentsWaitForMinCompactionLag() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        var config = compactedConfig()
        config.minCompactionLagMs = 60_000
        let log = try openLog(dir, config, clock: clock)
        for round in 0..<20 {
            try log.appendKeyed((0..<5).map { KV("k\($0)", "v\(round)\(String(repeating: "x", count: 50))") }, timestamp: clock.nowMs)
        }
        let cleaner = makeCleaner([log], clock: clock, dataDir: dir.path)
        #expect(cleaner.cleanOnce() == nil)
        clock.advance(by: 61_000)
        let summary = try #require(cleaner.cleanOnce())
        #expect(summary.recordsKept < summary.recordsRead)
    }

    @Test func maxCompactionLagCleansWhateverTheRatio() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        var config = compactedConfig()
        config.minCleanableDirtyRatio = 1  // never by ratio
        config.maxCompactionLagMs = 10_000
        let log = try openLog(dir, config, clock: clock)
        for round in 0..<20 {
            try log.appendKeyed((0..<5).map { KV("k\($0)", "v\(round)\(String(repeating: "x", count: 50))") }, timestamp: clock.nowMs)
        }
        let cleaner = makeCleaner([log], clock: clock, dataDir: dir.path)
        #expect(cleaner.cleanOnce() == nil)
        clock.advance(by: 11_000)
        #expect(cleaner.cleanOnce() != nil)
        // max.compaction.lag.ms also rolls the active segment once it is that old.
        #expect(config.maxSegmentMs == 10_000)
    }

    @Test func aLogBelowItsDirtyRatioWaits() throws {
        let dir = TestDirectory()
        var config = compactedConfig()
        config.minCleanableDirtyRatio = 0.5
        let log = try openLog(dir, config)
        try writeRounds(log)
        let cleaner = makeCleaner([log], dataDir: dir.path)
        #expect(cleaner.cleanOnce() != nil)
        // One more small sealed segment is far below half of the log.
        try log.appendKeyed([KV("key-1", String(repeating: "y", count: 900))])
        try log.appendKeyed([KV("key-2", "z")])
        #expect(cleaner.cleanOnce() == nil)
    }

    @Test func aSmallDedupeBufferCleansInSeveralRoundsWithBoundedMemory() throws {
        let dir = TestDirectory()
        let log = try openLog(dir, compactedConfig(segmentBytes: 4096))
        for round in 0..<4 {
            for chunk in 0..<10 {
                try log.appendKeyed((0..<50).map { KV("key-\(chunk * 50 + $0)", "r\(round)") })
            }
        }
        try log.appendKeyed([KV("tail", "t")])
        let before = try log.storedRecords()
        let activeBase = try #require(log.segmentBaseOffsets.last)
        let budget = CleanerOffsetMap.bytesPerEntry * 256  // 256 slots: 230 keys per round
        let cleaner = makeCleaner([log], dedupeBytes: budget, dataDir: dir.path)
        var rounds = 0
        while let summary = cleaner.cleanOnce() {
            rounds += 1
            #expect(summary.mapBytesAllocated <= budget)
            #expect(summary.mapEntries <= 230)
            if summary.endOffset >= activeBase { break }
            #expect(rounds < 50)
            if rounds >= 50 { break }
        }
        #expect(rounds > 1)
        #expect(try log.storedRecords().filter { $0.offset < activeBase } == latestPerKey(before.filter { $0.offset < activeBase }))
    }

    @Test func anIdempotentProducersLastBatchStaysAsAnEmptyBatch() throws {
        let dir = TestDirectory()
        let log = try openLog(dir, compactedConfig(segmentBytes: 300))
        try log.appendKeyed([KV("k", "from-producer-0")], producerId: 7, producerEpoch: 0, baseSequence: 0)
        try log.appendKeyed([KV("k", "from-producer-1")], producerId: 7, producerEpoch: 0, baseSequence: 1)
        for round in 0..<8 { try log.appendKeyed([KV("k", "plain-\(round)-\(String(repeating: "p", count: 80))")]) }
        _ = try #require(makeCleaner([log], dataDir: dir.path).cleanOnce())
        let batches = try log.storedBatches()
        // The producer's first batch is gone; its last one is kept, without its record.
        #expect(batches.filter { $0.header.producerId == 7 }.map(\.header.baseSequence) == [1])
        #expect(batches.first { $0.header.producerId == 7 }?.records.isEmpty == true)

        // After a restart the producer's sequence continues from that batch.
        try log.close()
        let reopened = try openLog(dir, compactedConfig(segmentBytes: 300))
        #expect(try reopened.appendKeyed([KV("k", "next")], producerId: 7, producerEpoch: 0, baseSequence: 2).isDuplicate == false)
        #expect(try reopened.appendKeyed([KV("k", "from-producer-1")], producerId: 7, producerEpoch: 0, baseSequence: 1).isDuplicate)
    }

    @Test func anOpenTransactionStopsCleaningAtItsSegment() throws {
        let dir = TestDirectory()
        let log = try openLog(dir, compactedConfig(segmentBytes: 300))
        for round in 0..<4 { try log.appendKeyed([KV("k", "before-\(round)-\(String(repeating: "b", count: 80))")]) }
        let open = try log.appendKeyed([KV("t", "in-transaction")], producerId: 9, producerEpoch: 0, baseSequence: 0, transactional: true)
        for round in 0..<6 { try log.appendKeyed([KV("k", "after-\(round)-\(String(repeating: "a", count: 80))")]) }
        let summary = try #require(makeCleaner([log], dataDir: dir.path).cleanOnce())
        let openSegment = try #require(log.segmentBaseOffsets.last { $0 <= open.firstOffset })
        #expect(summary.endOffset <= openSegment)
        // Nothing at or after the open transaction was touched: every "after" record is still there.
        #expect(try log.storedRecords().filter { $0.value?.hasPrefix("after-") == true }.count == 6)
    }
}

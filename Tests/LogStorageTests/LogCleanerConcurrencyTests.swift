import Foundation
import KafkaProtocol
import NIOCore
import Synchronization
import Testing
@testable import LogStorage

@Suite struct LogCleanerConcurrencyTests {
    private func openLog(_ dir: TestDirectory, segmentBytes: Int = 64 * 1024) throws -> PartitionLog {
        try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: compactedConfig(segmentBytes: segmentBytes), logger: quietLogger)
    }

    /// About `megabytes` of keyed records over 1000 keys, 50 records per batch.
    private func fill(_ log: PartitionLog, megabytes: Int) throws {
        let value = String(repeating: "v", count: 180)
        let batches = megabytes * 1_000_000 / (50 * 200)
        for batch in 0..<batches {
            try log.appendKeyed((0..<50).map { KV("key-\((batch * 50 + $0) % 1000)", "\(batch)-\(value)") })
        }
    }


    @Test func appendsAndReadsGoOnWhileALogIsCleaned() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        try fill(log, megabytes: 3)
        let activeBase = try #require(log.segmentBaseOffsets.last)
        let written = try log.storedRecords()
        // About 6 MB of cleaner I/O at 4 MB/s: the round lasts over a second.
        let cleaner = makeCleaner([log], ioBytesPerSecond: 4_000_000, dataDir: dir.path)
        let running = Atomic<Bool>(true)
        let result = Mutex<CleanerRoundSummary?>(nil)
        let thread = Thread {
            result.withLock { $0 = cleaner.cleanOnce() }
            running.store(false, ordering: .sequentiallyConsistent)
        }
        thread.start()
        var appendedWhileCleaning = 0
        var readsWhileCleaning = 0
        var live: [Int64] = []
        while running.load(ordering: .sequentiallyConsistent) {
            let appended = try log.appendKeyed([KV("live-\(live.count)", "x")])
            live.append(appended.firstOffset)
            appendedWhileCleaning += 1
            // Every read during the swap sees whole, valid batches in offset order.
            let from = Int64.random(in: 0..<activeBase)
            let read = try log.read(from: from, maxBytes: 64 * 1024, maxOffset: log.highWatermark, minOneBatch: true)
            var iterator = RecordBatchIterator(try read.readBytes())
            var previous: Int64 = -1
            while let batch = iterator.next() {
                #expect(RecordBatch.crcIsValid(in: batch.bytes, at: batch.bytes.readerIndex))
                #expect(batch.header.baseOffset > previous)
                previous = batch.header.lastOffset
            }
            readsWhileCleaning += 1
            Thread.sleep(forTimeInterval: 0.002)
        }
        let summary = try #require(result.withLock { $0 })
        #expect(summary.endOffset == activeBase)
        #expect(appendedWhileCleaning > 10 && readsWhileCleaning > 10)
        let after = try log.storedRecords()
        #expect(after.filter { $0.offset < activeBase } == latestPerKey(written.filter { $0.offset < activeBase }))
        #expect(after.filter { $0.key?.hasPrefix("live-") == true }.map(\.offset) == live)
    }

    @Test func retentionDuringARoundWinsAndTheRoundStartsOver() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        try fill(log, megabytes: 2)
        let written = try log.storedRecords()
        let cleaner = makeCleaner([log], ioBytesPerSecond: 3_000_000, dataDir: dir.path)
        let running = Atomic<Bool>(true)
        let thread = Thread {
            _ = cleaner.cleanOnce()
            running.store(false, ordering: .sequentiallyConsistent)
        }
        thread.start()
        // DeleteRecords removes whole segments under the cleaner's feet.
        let bases = log.segmentBaseOffsets
        var step = 1
        while running.load(ordering: .sequentiallyConsistent), step < bases.count - 1 {
            Thread.sleep(forTimeInterval: 0.1)
            try log.deleteRecords(before: bases[step])
            step += 3
        }
        #expect(eventually { !running.load(ordering: .sequentiallyConsistent) })
        // Whatever happened to the round, the log is consistent: from the log start, the latest
        // value of every key written at or after it, nothing below it, no leftovers.
        let start = log.logStartOffset
        #expect(start > 0)
        let active = try #require(log.segmentBaseOffsets.last)
        let after = try log.storedRecords()
        #expect(after.allSatisfy { $0.offset >= start })
        let expected = latestPerKey(written.filter { $0.offset >= start && $0.offset < active })
        #expect(latestPerKey(after.filter { $0.offset < active }) == expected)
        #expect(!dir.files(in: "t-0").contains { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") })
        // The next round cleans what is left.
        if let summary = cleaner.cleanOnce() { #expect(summary.endOffset == active) }
        #expect(try log.storedRecords().filter { $0.offset < active } == expected)
    }

    @Test func aSwapIsRefusedWhenItsSegmentsChanged() throws {
        let dir = TestDirectory()
        let log = try openLog(dir, segmentBytes: 16 * 1024)
        try fill(log, megabytes: 1)
        let view = log.cleaningView()
        let group = Array(view.segments.prefix(3))
        try log.deleteRecords(before: group[1].baseOffset)
        let before = try log.storedRecords()
        var held: UInt64 = 0
        #expect(try log.replaceWithCleaned(group, lockHeldNs: &held) == false)
        #expect(try log.storedRecords() == before)
        try log.appendKeyed([KV("k", "v")])
        // A group whose segments are all still there but whose first one is gone is refused too.
        #expect(try log.replaceWithCleaned(Array(view.segments.prefix(1)), lockHeldNs: &held) == false)
    }
}

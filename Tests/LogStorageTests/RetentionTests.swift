import Foundation
import KafkaProtocol
import NIOCore
import Synchronization
import Testing
@testable import LogStorage

@Suite struct RetentionTests {
    private func config(_ edit: (inout LogConfig) -> Void = { _ in }) -> LogConfig {
        var config = LogConfig()
        config.segmentBytes = 1024
        config.indexIntervalBytes = 128
        config.fileDeleteDelayMs = 0
        edit(&config)
        return config
    }

    private func openLog(_ dir: TestDirectory, _ config: LogConfig, clock: any LogClock = SystemLogClock()) throws -> PartitionLog {
        try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, clock: clock, logger: quietLogger)
    }

    /// One 300-byte batch per call, stamped with the clock, high watermark at the end.
    private func append(_ log: PartitionLog, _ clock: ManualClock, count: Int) throws {
        for _ in 0..<count {
            try log.appendBatch(records: 3, timestamp: clock.nowMs, valueSize: 80)
            log.updateHighWatermark(log.logEndOffset)
        }
    }

    @Test func timeRetentionDeletesSegmentsWhoseNewestRecordIsTooOld() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, config { $0.retentionMs = 60_000 }, clock: clock)
        try append(log, clock, count: 12)
        clock.advance(by: 30_000)
        try append(log, clock, count: 12)
        let bases = log.segmentBaseOffsets
        #expect(log.deleteOldSegments().deletedSegments == 0)
        clock.advance(by: 30_010)
        let outcome = log.deleteOldSegments()
        // The old half went; the segment holding both old and new records stays.
        #expect(outcome.deletedSegments > 0)
        #expect(log.logStartOffset == outcome.logStartOffset)
        #expect(log.segmentBaseOffsets.first == log.logStartOffset)
        #expect(log.logStartOffset <= 36 && log.logStartOffset > 0)
        #expect(Array(bases.suffix(log.segmentCount)) == log.segmentBaseOffsets)
        #expect(throws: StorageError.self) { try log.read(from: 0, maxBytes: 100, maxOffset: log.highWatermark, minOneBatch: true) }
        #expect(try log.read(from: log.logStartOffset, maxBytes: 100, maxOffset: log.highWatermark, minOneBatch: true).firstOffset == log.logStartOffset)
    }

    @Test func whenEverySegmentExpiresTheActiveOneRollsAndTheLogStaysOpen() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, config { $0.retentionMs = 1_000 }, clock: clock)
        try append(log, clock, count: 10)
        let end = log.logEndOffset
        clock.advance(by: 2_000)
        let outcome = log.deleteOldSegments()
        #expect(outcome.deletedSegments > 1)
        #expect(log.logStartOffset == end && log.logEndOffset == end && log.segmentBaseOffsets == [end])
        #expect(log.size == 0)
        #expect(try log.read(from: end, maxBytes: 100, maxOffset: end, minOneBatch: true).isEmpty)
        try append(log, clock, count: 1)
        #expect(log.logEndOffset == end + 3)
        // An empty active segment is never deleted.
        clock.advance(by: 2_000)
        _ = log.deleteOldSegments()
        #expect(log.segmentCount == 1 && log.logStartOffset == end + 3)
    }

    @Test func sizeRetentionKeepsThePartitionUnderRetentionBytes() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, config { $0.retentionBytes = 3_000 }, clock: clock)
        try append(log, clock, count: 30)
        let before = log.size
        let outcome = log.deleteOldSegments()
        #expect(outcome.deletedBytes > 0)
        #expect(log.size == before - outcome.deletedBytes)
        // Only whole segments that fit in the excess went (Kafka): the partition stays at or
        // above retention.bytes, and deleting the next one would take it below.
        #expect(log.size >= 3_000)
        let oldest = log.state.withLock { $0.segments[0].size }
        #expect(log.size - oldest < 3_000)
        #expect(log.deleteOldSegments().deletedSegments == 0)
    }

    @Test func nothingAtOrAboveTheHighWatermarkIsDeleted() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, config { $0.retentionMs = 1_000 }, clock: clock)
        for _ in 0..<10 { try log.appendBatch(records: 3, timestamp: clock.nowMs, valueSize: 80) }
        log.updateHighWatermark(9)
        clock.advance(by: 5_000)
        _ = log.deleteOldSegments()
        // Only segments ending at or below the high watermark went: the one holding offset 9 stays.
        #expect(log.logStartOffset > 0 && log.logStartOffset <= 9)
        #expect(log.segmentBaseOffsets.first == log.logStartOffset)
    }

    @Test func aCompactOnlyTopicIsNotDeletedByTimeOrSize() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, config {
            $0.cleanupPolicy = .compact
            $0.retentionMs = 1
            $0.retentionBytes = 1
        }, clock: clock)
        try append(log, clock, count: 10)
        clock.advance(by: 10_000)
        #expect(log.deleteOldSegments().deletedSegments == 0)
        // compact,delete honours both.
        var both = log.config
        both.cleanupPolicy = [.compact, .delete]
        log.updateConfig(both)
        #expect(log.deleteOldSegments().deletedSegments > 0)
    }

    @Test func retiredFilesWaitForFileDeleteDelay() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, config {
            $0.retentionMs = 1_000
            $0.fileDeleteDelayMs = 400
        }, clock: clock)
        try append(log, clock, count: 10)
        clock.advance(by: 2_000)
        #expect(log.deleteOldSegments().deletedSegments > 0)
        let retired = dir.files(in: "t-0").filter { $0.hasSuffix(".deleted") }
        #expect(retired.contains("00000000000000000000.log.deleted"))
        #expect(retired.contains("00000000000000000000.index.deleted"))
        #expect(!dir.files(in: "t-0").contains("00000000000000000000.log"))
        #expect(eventually { !dir.files(in: "t-0").contains { $0.hasSuffix(".deleted") } })
        // A restart also removes what is still waiting.
        try log.close()
        #expect(FileManager.default.createFile(atPath: "\(dir.path)/t-0/00000000000000000003.log.deleted", contents: Data([1, 2, 3])))
        _ = try openLog(dir, config(), clock: clock)
        #expect(!dir.files(in: "t-0").contains { $0.hasSuffix(".deleted") })
    }

    @Test func aSlowConsumerKeepsWhatItFetchedAndThenGetsOffsetOutOfRange() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, config { $0.retentionMs = 1_000 }, clock: clock)
        try append(log, clock, count: 10)
        clock.advance(by: 500)
        try append(log, clock, count: 10)
        // The consumer fetched the first segment's batches but has not sent them yet.
        let fetched = try log.read(from: 0, maxBytes: 4096, maxOffset: log.highWatermark, minOneBatch: true)
        clock.advance(by: 800)
        #expect(log.deleteOldSegments().deletedSegments > 0)
        #expect(log.logStartOffset > 0)
        // Its bytes are still there, whole.
        let bytes = try fetched.readBytes()
        #expect(bytes.readableBytes == fetched.length)
        #expect(headers(in: bytes).first?.baseOffset == 0)
        // Its next fetch is behind the log start: OFFSET_OUT_OF_RANGE, and from the log start it
        // goes on (auto.offset.reset=earliest).
        let next = try #require(headers(in: bytes).last).lastOffset + 1
        #expect(next < log.logStartOffset)
        var code: ErrorCode?
        do {
            _ = try log.read(from: next, maxBytes: 4096, maxOffset: log.highWatermark, minOneBatch: true)
        } catch {
            code = error.code
        }
        #expect(code == .offsetOutOfRange)
        #expect(try log.read(from: log.logStartOffset, maxBytes: 4096, maxOffset: log.highWatermark, minOneBatch: true).firstOffset == log.logStartOffset)
    }

    @Test func retentionRacingConsumersAndProducersNeverServesBrokenData() throws {
        let dir = TestDirectory()
        let log = try openLog(dir, config {
            $0.retentionBytes = 20_000
            $0.segmentBytes = 2_000
        })
        for _ in 0..<100 {
            try log.appendBatch(records: 3, valueSize: 80)
            log.updateHighWatermark(log.logEndOffset)
        }
        let stop = Atomic<Bool>(false)
        let outOfRange = Atomic<Int>(0)
        let fetches = Atomic<Int>(0)
        let problems = Mutex<[String]>([])
        let consumers = DispatchGroup()
        for _ in 0..<3 {
            consumers.enter()
            Thread {
                defer { consumers.leave() }
                var position: Int64 = 0
                while !stop.load(ordering: .relaxed) {
                    do {
                        let read = try log.read(from: position, maxBytes: 1_500, maxOffset: log.highWatermark, minOneBatch: true)
                        Thread.sleep(forTimeInterval: 0.001)  // slow: retention may delete the segment meanwhile
                        let bytes = try read.readBytes()
                        var iterator = RecordBatchIterator(bytes)
                        while let batch = iterator.next() {
                            if !RecordBatch.crcIsValid(in: batch.bytes, at: batch.bytes.readerIndex) || batch.header.lastOffset < position {
                                problems.withLock { $0.append("bad batch at \(batch.header.baseOffset) for position \(position)") }
                            }
                            position = batch.header.lastOffset + 1
                        }
                        fetches.add(1, ordering: .relaxed)
                    } catch let error as StorageError {
                        if error.code == .offsetOutOfRange {
                            outOfRange.add(1, ordering: .relaxed)
                            position = log.logStartOffset
                        } else {
                            problems.withLock { $0.append("\(error)") }
                        }
                    } catch {
                        problems.withLock { $0.append("\(error)") }
                    }
                }
            }.start()
        }
        for round in 0..<300 {
            try log.appendBatch(records: 3, valueSize: 80)
            log.updateHighWatermark(log.logEndOffset)
            if round % 5 == 0 { _ = log.deleteOldSegments() }
        }
        stop.store(true, ordering: .relaxed)
        consumers.wait()
        #expect(problems.withLock { $0 } == [])
        #expect(fetches.load(ordering: .relaxed) > 0)
        #expect(log.size <= 20_000 + 2_000)
        #expect(log.logStartOffset > 0)
        _ = outOfRange.load(ordering: .relaxed)
    }

    @Test func theLogManagerRunsRetentionAndTheCleanerInTheBackground() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { manager.closeAll() }
        let deleting = try manager.openOrCreateLog(topic: "old", partition: 0, topicId: .zero, config: config { $0.retentionMs = 200 })
        let compacted = try manager.openOrCreateLog(topic: "table", partition: 0, topicId: .zero, config: compactedConfig(segmentBytes: 600))
        for _ in 0..<10 {
            try deleting.appendBatch(records: 3, timestamp: SystemLogClock().nowMs, valueSize: 80)
            deleting.updateHighWatermark(deleting.logEndOffset)
        }
        for round in 0..<20 { try compacted.appendKeyed([KV("k", "round-\(round)-\(String(repeating: "x", count: 100))")]) }
        var cleanerConfig = LogCleanerConfig()
        cleanerConfig.backoffMs = 50
        manager.startMaintenance(LogMaintenanceConfig(retentionCheckIntervalMs: 50, cleaner: cleanerConfig))
        #expect(eventually { deleting.logStartOffset == deleting.logEndOffset })
        let active = try #require(compacted.segmentBaseOffsets.last)
        #expect(eventually { manager.cleaner?.firstDirtyOffset(topic: "table", partition: 0) == active })
        #expect(try compacted.storedRecords().filter { $0.offset < active }.count == 1)
        // The new log start offset is checkpointed.
        #expect(eventually {
            (try? String(contentsOfFile: "\(dir.path)/log-start-offset-checkpoint", encoding: .utf8))?.contains("old 0 \(deleting.logEndOffset)") == true
        })
        // And the cleaner's first dirty offset.
        #expect(eventually {
            (try? String(contentsOfFile: "\(dir.path)/cleaner-offset-checkpoint", encoding: .utf8))?.contains("table 0 \(active)") == true
        })
    }
}

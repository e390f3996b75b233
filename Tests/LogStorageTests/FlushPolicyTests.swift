import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct FlushPolicyTests {
    @Test func noFsyncOnTheAppendPathByDefault() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let flusher = LogFlusher()
        let log = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: LogConfig(), io: io, logger: quietLogger, flusher: flusher)
        for _ in 0..<20 { try log.appendBatch(records: 5) }
        flusher.drain()
        #expect(io.fsyncs == 0)
        #expect(log.recoveryPoint == 0)
    }

    @Test func flushMessagesGroupsFsyncsInTheBackground() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let flusher = LogFlusher()
        var config = LogConfig()
        config.flushMessages = 10
        let log = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, io: io, logger: quietLogger, flusher: flusher)
        for _ in 0..<4 { try log.appendBatch(records: 2) }
        flusher.drain()
        #expect(io.fsyncs == 0 && log.recoveryPoint == 0)
        // Crossing the threshold queues one flush; appends racing it are covered by it or the next one.
        for _ in 0..<50 { try log.appendBatch(records: 2) }
        flusher.drain()
        #expect(io.fsyncs >= 1 && io.fsyncs < 50)
        #expect(log.recoveryPoint > 0 && log.recoveryPoint <= log.logEndOffset)
    }

    @Test func flushMsFlushesOnTheTickOnceTheIntervalHasPassed() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let clock = ManualClock()
        var config = LogConfig()
        config.flushMs = 5_000
        let log = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, clock: clock, io: io, logger: quietLogger,
            flusher: LogFlusher())
        try log.appendBatch(records: 3)
        log.flushIfDue()
        log.flusher?.drain()
        #expect(log.recoveryPoint == 0)
        clock.advance(by: 5_000)
        log.flushIfDue()
        log.flusher?.drain()
        #expect(log.recoveryPoint == 3 && io.fsyncs >= 1)
    }

    /// Every 64 MiB appended to the active segment queues a background fsync, so no single
    /// fsync (the one at roll included) writes a whole 1 GiB segment; nothing waits for it.
    @Test func theActiveSegmentIsFlushedInTheBackgroundEvery64MiB() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let flusher = LogFlusher()
        let log = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: LogConfig(), io: io, logger: quietLogger, flusher: flusher)
        let perBatch = 64 * 16_000  // 64 records of ~16 KB: about 1 MiB a batch
        var appended = 0
        while appended < Int(PartitionLog.backgroundFlushBytes) - 2 * perBatch {
            try log.appendBatch(records: 64, valueSize: 16_000)
            appended += perBatch
        }
        flusher.drain()
        #expect(io.fsyncs == 0 && log.recoveryPoint == 0)
        while appended < Int(PartitionLog.backgroundFlushBytes) + 2 * perBatch {
            try log.appendBatch(records: 64, valueSize: 16_000)
            appended += perBatch
        }
        flusher.drain()
        #expect(io.fsyncs >= 1)
        #expect(log.recoveryPoint > 0 && log.recoveryPoint <= log.logEndOffset)
        #expect(log.segmentBaseOffsets.count == 1)
    }

    @Test func rollingFlushesTheSealedSegmentInTheBackground() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let flusher = LogFlusher()
        var config = LogConfig()
        config.segmentBytes = 1024
        let log = try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, io: io, logger: quietLogger, flusher: flusher)
        for _ in 0..<20 { try log.appendBatch(records: 2, valueSize: 40) }
        flusher.drain()
        #expect(log.segmentCount > 2)
        #expect(log.recoveryPoint >= log.segmentBaseOffsets[log.segmentCount - 1])
    }
}

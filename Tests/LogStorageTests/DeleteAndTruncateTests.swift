import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct DeleteAndTruncateTests {
    private func config() -> LogConfig {
        var config = LogConfig()
        config.segmentBytes = 2048
        config.indexIntervalBytes = 200
        return config
    }

    @Test func deleteRecordsMovesTheLogStartAndDeletesWholeSegmentsBelowIt() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        let log = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: KafkaUUID(high: 9, low: 9), config: config())
        for _ in 0..<40 { try log.appendBatch(records: 4, valueSize: 30) }
        let bases = log.segmentBaseOffsets
        #expect(bases.count > 3)
        // Only up to the high watermark.
        #expect(throws: StorageError.self) { try log.deleteRecords(before: 10) }
        log.updateHighWatermark(log.logEndOffset)
        let target = bases[2] + 1
        let sizeBefore = log.size
        #expect(try log.deleteRecords(before: target) == target)
        #expect(log.logStartOffset == target)
        #expect(log.segmentBaseOffsets == Array(bases.dropFirst(2)))
        #expect(log.size < sizeBefore)
        #expect(!dir.files(in: "t-0").contains("00000000000000000000.log"))
        // A smaller value never moves it back.
        #expect(try log.deleteRecords(before: 3) == target)
        // The batch containing the new start is still served whole.
        #expect(try log.read(from: target, maxBytes: 1, maxOffset: log.highWatermark, minOneBatch: true).firstOffset == bases[2])

        // Checkpointed: it survives a restart, even an unclean one.
        try manager.writeCheckpoints()
        let again = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { again.closeAll() }
        #expect(again.log(topic: "t", partition: 0)?.logStartOffset == target)
        _ = manager
    }

    @Test func deleteRecordsCheckpointsInTheBackground() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        let log = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: .zero, config: config())
        for _ in 0..<5 { try log.appendBatch(records: 2) }
        log.updateHighWatermark(10)
        try log.deleteRecords(before: 4)
        manager.flusher.drain()
        let text = try String(contentsOfFile: "\(dir.path)/log-start-offset-checkpoint", encoding: .utf8)
        #expect(text == "0\n1\nt 0 4\n")
        manager.closeAll()
    }

    @Test func truncateRemovesOffsetsAtAndAboveTheTarget() throws {
        let dir = TestDirectory()
        let log = try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config(), logger: quietLogger)
        var bases: [Int64] = []
        for index in 0..<40 { bases.append(try log.appendBatch(records: 4, timestamp: Int64(index) * 10, valueSize: 30).firstOffset) }
        log.updateHighWatermark(160)
        let segments = log.segmentBaseOffsets
        // Into the middle of an earlier segment: later segments go, the cut one becomes active.
        let target = segments[1] + 8
        try log.truncate(to: target)
        #expect(log.logEndOffset == target)
        #expect(log.segmentBaseOffsets == Array(segments.prefix(2)))
        #expect(log.highWatermark == target)
        #expect(try log.readAll(from: 0).map(\.baseOffset) == bases.filter { $0 < target })
        #expect(try log.offset(forTimestamp: 390) == nil)
        // Appends continue from the new end, and the time index follows.
        #expect(try log.appendBatch(records: 2, timestamp: 5_000).firstOffset == target)
        #expect(try log.offset(forTimestamp: 4_000)?.offset == target)
        // Truncating to a mid-batch offset removes that whole batch.
        try log.truncate(to: target + 1)
        #expect(log.logEndOffset == target)
    }

    @Test func truncateBelowTheStartRestartsTheLogEmpty() throws {
        let dir = TestDirectory()
        let log = try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config(), logger: quietLogger)
        for _ in 0..<30 { try log.appendBatch(records: 4, valueSize: 30) }
        log.updateHighWatermark(120)
        try log.deleteRecords(before: 100)
        try log.truncate(to: 50)
        #expect(log.logStartOffset == 50 && log.logEndOffset == 50 && log.size == 0)
        #expect(log.segmentBaseOffsets == [50])
        #expect(dir.files(in: "t-0").filter { $0.hasSuffix(".log") } == ["00000000000000000050.log"])
        #expect(try log.appendBatch(records: 1).firstOffset == 50)
    }

    @Test func readsInFlightSurviveSegmentDeletion() throws {
        let dir = TestDirectory()
        let log = try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config(), logger: quietLogger)
        for _ in 0..<30 { try log.appendBatch(records: 4, valueSize: 30) }
        log.updateHighWatermark(log.logEndOffset)
        let result = try log.read(from: 0, maxBytes: 1 << 20, maxOffset: log.highWatermark, minOneBatch: true)
        let region = try #require(result.fileRegion())
        defer { try? region.fileHandle.close() }
        try log.deleteRecords(before: log.segmentBaseOffsets[2])
        #expect(!dir.files(in: "t-0").contains("00000000000000000000.log"))
        // The unlinked file is still readable through the result and the region's descriptor.
        let bytes = try result.readBytes()
        #expect(headers(in: bytes).first?.baseOffset == 0)
        let viaRegion = try region.fileHandle.withUnsafeFileDescriptor { fd -> Int in
            var buffer = [UInt8](repeating: 0, count: 8)
            return buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 8, 0) }
        }
        #expect(viaRegion == 8)
    }
}

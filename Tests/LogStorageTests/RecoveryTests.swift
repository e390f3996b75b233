import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct RecoveryTests {
    static let topicId = KafkaUUID(high: 1, low: 2)

    private func config() -> LogConfig {
        var config = LogConfig()
        config.segmentBytes = 4096
        config.indexIntervalBytes = 256
        return config
    }

    /// A manager with one partition holding `batches` batches of 3 records; returns the batches' base offsets.
    private func populate(_ dir: TestDirectory, batches: Int) throws -> (LogManager, [Int64]) {
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger, defaultConfig: config())
        let log = try manager.openOrCreateLog(topic: "orders", partition: 0, topicId: Self.topicId, config: config())
        var bases: [Int64] = []
        for index in 0..<batches {
            bases.append(try log.appendBatch(records: 3, timestamp: Int64(index) * 100, valueSize: 40).firstOffset)
        }
        log.updateHighWatermark(log.logEndOffset)
        return (manager, bases)
    }

    private func reopen(_ dir: TestDirectory) throws -> (LogManager, PartitionLog) {
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger, defaultConfig: config())
        let log = try #require(manager.log(topic: "orders", partition: 0))
        return (manager, log)
    }

    private var partitionDir: (TestDirectory) -> String { { "\($0.path)/orders-0" } }

    @Test func cleanShutdownIsTrustedWithoutRescanning() throws {
        let dir = TestDirectory()
        let (manager, bases) = try populate(dir, batches: 60)
        let before = try #require(manager.log(topic: "orders", partition: 0))
        let segments = before.segmentBaseOffsets
        manager.closeAll()
        #expect(FileManager.default.fileExists(atPath: "\(dir.path)/.kafka_cleanshutdown"))
        #expect(throws: StorageError.self) { try before.appendBatch(records: 1) }

        let (again, log) = try reopen(dir)
        defer { again.closeAll() }
        #expect(log.loadSummary.cleanShutdown && log.loadSummary.recoveredSegments == 0 && log.loadSummary.rebuiltIndexes == 0)
        // The marker is gone while running, so a crash from now on is noticed.
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/.kafka_cleanshutdown"))
        #expect(log.segmentBaseOffsets == segments)
        #expect(log.logEndOffset == 180 && log.highWatermark == 180 && log.recoveryPoint == 180)
        #expect(try log.readAll(from: 0).map(\.baseOffset) == bases)
        #expect(try log.offset(forTimestamp: 5_901)?.offset == 178)
        #expect(try log.appendBatch(records: 1).firstOffset == 180)
    }

    @Test func uncleanShutdownRescansFromTheRecoveryPoint() throws {
        let dir = TestDirectory()
        let (manager, bases) = try populate(dir, batches: 60)
        let log = try #require(manager.log(topic: "orders", partition: 0))
        try log.flush()
        try manager.writeCheckpoints()
        // More data after the checkpoint, then a "crash": no close, no marker.
        for _ in 0..<5 { try log.appendBatch(records: 3, timestamp: 9_000, valueSize: 40) }
        let (again, reopened) = try reopen(dir)
        defer { again.closeAll() }
        #expect(!reopened.loadSummary.cleanShutdown)
        // Only the segment holding the recovery point and later ones were scanned.
        let segments = reopened.segmentBaseOffsets
        let holdingRecoveryPoint = try #require(segments.last { $0 <= 180 })
        #expect(segments.count > 3)
        #expect(reopened.loadSummary.recoveredSegments == segments.filter { $0 >= holdingRecoveryPoint }.count)
        #expect(reopened.logEndOffset == 195 && reopened.loadSummary.truncatedBytes == 0)
        #expect(try reopened.readAll(from: 0).map(\.baseOffset) == bases + [180, 183, 186, 189, 192])
        _ = manager
    }

    @Test func aSegmentCutMidBatchIsTruncatedToTheLastWholeBatch() throws {
        let dir = TestDirectory()
        let (_, bases) = try populate(dir, batches: 10)
        let logFile = "\(partitionDir(dir))/00000000000000000000.log"
        let size = try #require(FileManager.default.attributesOfItem(atPath: logFile)[.size] as? Int)
        try truncateFile(logFile, to: size - 20)
        let (again, log) = try reopen(dir)
        defer { again.closeAll() }
        #expect(log.loadSummary.recoveredSegments == 1 && log.loadSummary.truncatedBytes > 0)
        #expect(log.logEndOffset == 27)
        #expect(try log.readAll(from: 0).map(\.baseOffset) == Array(bases.dropLast()))
        // The log keeps working where the torn batch was.
        #expect(try log.appendBatch(records: 2).firstOffset == 27)
    }

    @Test func aFlippedByteInTheLastBatchFailsItsChecksumAndIsDropped() throws {
        let dir = TestDirectory()
        let (manager, bases) = try populate(dir, batches: 8)
        let log = try #require(manager.log(topic: "orders", partition: 0))
        let last = try log.read(from: 21, maxBytes: 1 << 20, maxOffset: 24, minOneBatch: true)
        let logFile = "\(partitionDir(dir))/00000000000000000000.log"
        try flipByte(in: logFile, at: last.position + Int64(last.length) - 5)
        let (again, reopened) = try reopen(dir)
        defer { again.closeAll() }
        #expect(reopened.loadSummary.truncatedBytes == Int64(last.length))
        #expect(reopened.logEndOffset == 21)
        #expect(try reopened.readAll(from: 0).map(\.baseOffset) == Array(bases.dropLast()))
    }

    @Test func corruptionInAnEarlierSegmentDropsTheSegmentsAfterIt() throws {
        let dir = TestDirectory()
        let (_, _) = try populate(dir, batches: 60)
        let first = "\(partitionDir(dir))/00000000000000000000.log"
        try flipByte(in: first, at: 700)
        let (again, log) = try reopen(dir)
        defer { again.closeAll() }
        #expect(log.segmentCount == 1 && log.loadSummary.droppedSegments > 0)
        #expect(log.logEndOffset > 0 && log.logEndOffset < 30)
        #expect(dir.files(in: "orders-0").filter { $0.hasSuffix(".log") } == ["00000000000000000000.log"])
    }

    @Test func missingIndexFilesAreRebuiltEvenAfterACleanShutdown() throws {
        let dir = TestDirectory()
        let (manager, bases) = try populate(dir, batches: 60)
        manager.closeAll()
        for name in dir.files(in: "orders-0") where name.hasSuffix(".index") || name.hasSuffix(".timeindex") {
            try FileManager.default.removeItem(atPath: "\(partitionDir(dir))/\(name)")
        }
        let (again, log) = try reopen(dir)
        defer { again.closeAll() }
        #expect(log.loadSummary.cleanShutdown && log.loadSummary.rebuiltIndexes == log.segmentCount)
        #expect(log.loadSummary.truncatedBytes == 0 && log.logEndOffset == 180)
        for (position, base) in bases.enumerated() where position % 7 == 0 {
            #expect(try log.read(from: base + 1, maxBytes: 1, maxOffset: 180, minOneBatch: true).firstOffset == base)
        }
        #expect(try log.offset(forTimestamp: 3_050)?.offset == 93)
        #expect(dir.files(in: "orders-0").filter { $0.hasSuffix(".index") }.count == log.segmentCount)
    }

    @Test func leftoverFilesFromInterruptedOperationsAreRemoved() throws {
        let dir = TestDirectory()
        let (manager, _) = try populate(dir, batches: 3)
        manager.closeAll()
        let path = partitionDir(dir)
        for name in ["00000000000000000000.log.deleted", "00000000000000000099.index", "x.tmp"] {
            FileManager.default.createFile(atPath: "\(path)/\(name)", contents: Data([1, 2, 3]))
        }
        try FileManager.default.createDirectory(atPath: "\(dir.path)/gone-0.abc-delete", withIntermediateDirectories: true)
        let (again, log) = try reopen(dir)
        defer { again.closeAll() }
        #expect(log.logEndOffset == 9)
        #expect(!dir.files(in: "orders-0").contains { $0.hasSuffix(".deleted") || $0.hasSuffix(".tmp") || $0.hasPrefix("00000000000000000099") })
        #expect(!FileManager.default.fileExists(atPath: "\(dir.path)/gone-0.abc-delete"))
    }
}

func truncateFile(_ path: String, to size: Int) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
}

func flipByte(in path: String, at offset: Int64) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    try handle.seek(toOffset: UInt64(offset))
    let byte = try #require(try handle.read(upToCount: 1)?.first)
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: Data([byte ^ 0xFF]))
    try handle.close()
}

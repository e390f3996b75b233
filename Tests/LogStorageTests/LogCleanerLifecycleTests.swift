import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct LogCleanerLifecycleTests {
    private func fill(_ log: PartitionLog, rounds: Int = 12) throws {
        for round in 0..<rounds {
            try log.appendKeyed((0..<5).map { KV("k\($0)", "r\(round)-\(String(repeating: "v", count: 60))") })
        }
    }

    private func idleMaintenance() -> LogMaintenanceConfig {
        var cleaner = LogCleanerConfig()
        cleaner.threads = 0  // the test drives rounds with cleanOnce; no thread may clean first
        return LogMaintenanceConfig(retentionCheckIntervalMs: 3_600_000, cleaner: cleaner)
    }

    @Test func aDeletedPartitionsCheckpointIsForgottenSoANewTopicOfTheSameNameIsCleanedFromItsStart() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { manager.closeAll() }
        manager.startMaintenance(idleMaintenance())
        let cleaner = try #require(manager.cleaner)
        let first = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: KafkaUUID(high: 1, low: 1), config: compactedConfig(segmentBytes: 600))
        try fill(first, rounds: 30)
        _ = try #require(cleaner.cleanOnce())
        let cleanedUpTo = try #require(cleaner.firstDirtyOffset(topic: "t", partition: 0))
        #expect(cleanedUpTo > 100)

        try manager.deleteLog(topic: "t", partition: 0)
        #expect(cleaner.firstDirtyOffset(topic: "t", partition: 0) == nil)
        let checkpoint = try String(contentsOfFile: "\(dir.path)/cleaner-offset-checkpoint", encoding: .utf8)
        #expect(!checkpoint.contains("t 0"))

        let second = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: KafkaUUID(high: 2, low: 2), config: compactedConfig(segmentBytes: 600))
        try fill(second, rounds: 40)
        let summary = try #require(cleaner.cleanOnce())
        #expect(summary.recordsRead == Int64(try #require(second.segmentBaseOffsets.last)))
        let active = try #require(second.segmentBaseOffsets.last)
        #expect(try second.storedRecords().filter { $0.offset < active }.count == 5)
    }

    @Test func aCorruptSegmentSetsOnlyItsPartitionAside() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { manager.closeAll() }
        manager.startMaintenance(idleMaintenance())
        let cleaner = try #require(manager.cleaner)
        let broken = try manager.openOrCreateLog(topic: "broken", partition: 0, topicId: .zero, config: compactedConfig(segmentBytes: 600))
        let healthy = try manager.openOrCreateLog(topic: "healthy", partition: 0, topicId: .zero, config: compactedConfig(segmentBytes: 600))
        try fill(broken)
        try fill(healthy)
        try broken.flush()
        // Flip a byte inside the first batch's records: its CRC no longer matches.
        let path = "\(dir.path)/broken-0/00000000000000000000.log"
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 100)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([byte ^ 0xff]))
        try handle.close()
        let before = try healthy.storedRecords().count

        // A failed round returns nothing; the next pass moves on to the other log.
        var rounds: [CleanerRoundSummary] = []
        for _ in 0..<4 { if let summary = cleaner.cleanOnce() { rounds.append(summary) } }
        #expect(rounds.map(\.topic) == ["healthy"])
        #expect(try healthy.storedRecords().count < before)
        #expect(cleaner.uncleanablePartitions == [TopicPartition(topic: "broken", partition: 0)])
        // The broken log itself was not touched.
        #expect(dir.files(in: "broken-0").filter { $0.hasSuffix(".log") }.count == broken.segmentCount)
        #expect(!dir.files(in: "broken-0").contains { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") })
    }
}

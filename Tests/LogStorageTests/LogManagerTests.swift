import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct LogManagerTests {
    @Test func createsPartitionDirectoriesWithKafkasMetadataFile() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { manager.closeAll() }
        let id = KafkaUUID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210)
        let log = try manager.openOrCreateLog(topic: "my-topic.v1", partition: 3, topicId: id, config: LogConfig())
        #expect(log.directory == "\(dir.path)/my-topic.v1-3")
        let text = try String(contentsOfFile: "\(dir.path)/my-topic.v1-3/partition.metadata", encoding: .utf8)
        #expect(text == "version: 0\ntopic_id: \(id.base64)\n")
        #expect(dir.files(in: "my-topic.v1-3").contains("00000000000000000000.log"))
        // The same partition again is the same log, with the new config applied.
        var config = LogConfig()
        config.segmentMs = 1234
        #expect(try manager.openOrCreateLog(topic: "my-topic.v1", partition: 3, topicId: id, config: config) === log)
        #expect(log.config.segmentMs == 1234)
        #expect(manager.log(topic: "my-topic.v1", partition: 3) === log)
        #expect(manager.log(topic: "my-topic.v1", partition: 4) == nil)
    }

    @Test func aDirectoryOfAnotherTopicIdIsInconsistent() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        _ = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: KafkaUUID(high: 1, low: 1), config: LogConfig())
        manager.closeAll()
        let again = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { again.closeAll() }
        do {
            _ = try again.openOrCreateLog(topic: "t", partition: 0, topicId: KafkaUUID(high: 2, low: 2), config: LogConfig())
            Issue.record("a different topic id must be refused")
        } catch {
            #expect(error.code == .inconsistentTopicId)
        }
        #expect(try again.openOrCreateLog(topic: "t", partition: 0, topicId: KafkaUUID(high: 1, low: 1), config: LogConfig()).logEndOffset == 0)
    }

    @Test func reopensEveryPartitionFoundOnDiskAndReportsSizes() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        for partition: Int32 in 0..<3 {
            let log = try manager.openOrCreateLog(topic: "a-b", partition: partition, topicId: .zero, config: LogConfig())
            for _ in 0...partition { try log.appendBatch(records: 2) }
        }
        manager.closeAll()
        manager.closeAll()  // idempotent
        let again = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { again.closeAll() }
        #expect(Set(again.allLogs.keys) == Set((0..<3).map { TopicPartition(topic: "a-b", partition: $0) }))
        let batch = Int64(makeBatch(records: 2).readableBytes)
        #expect(again.partitionSizes()[TopicPartition(topic: "a-b", partition: 2)] == 3 * batch)
        #expect(again.log(topic: "a-b", partition: 1)?.logEndOffset == 4)
        // Checkpoints in Kafka's format were written at shutdown.
        let recovery = try String(contentsOfFile: "\(dir.path)/recovery-point-offset-checkpoint", encoding: .utf8)
        #expect(recovery == "0\n3\na-b 0 2\na-b 1 4\na-b 2 6\n")
    }

    @Test func deletedPartitionsAreRenamedThenRemovedAndNeverReloaded() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        let log = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: .zero, config: LogConfig())
        try log.appendBatch(records: 2)
        try manager.deleteLog(topic: "t", partition: 0)
        #expect(manager.log(topic: "t", partition: 0) == nil)
        #expect(throws: StorageError.self) { try log.appendBatch(records: 1) }
        manager.flusher.drain()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("t-0") }.isEmpty)
        // A new topic of the same name starts empty.
        let fresh = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: .zero, config: LogConfig())
        #expect(fresh.logEndOffset == 0)
        manager.closeAll()
    }

    @Test func spreadsPartitionsOverSeveralDataDirectories() throws {
        let first = TestDirectory()
        let second = TestDirectory()
        let manager = try LogManager(dataDirs: [first.path, second.path], logger: quietLogger)
        for partition: Int32 in 0..<4 {
            _ = try manager.openOrCreateLog(topic: "t", partition: partition, topicId: .zero, config: LogConfig())
        }
        let dirs = (0..<4).compactMap { manager.dataDir(topic: "t", partition: $0) }
        #expect(dirs.filter { $0 == first.path }.count == 2 && dirs.filter { $0 == second.path }.count == 2)
        manager.closeAll()
        let again = try LogManager(dataDirs: [first.path, second.path], logger: quietLogger)
        defer { again.closeAll() }
        #expect(again.allLogs.count == 4)
        #expect(again.allLogs.values.allSatisfy { $0.loadSummary.cleanShutdown })
    }

    /// Placement follows the per-directory counts through creates, deletes and a restart.
    @Test func newLogsGoToTheDirectoryWithFewestAfterDeletesAndRestart() throws {
        let dirs = [TestDirectory(), TestDirectory(), TestDirectory()]
        let paths = dirs.map(\.path)
        let manager = try LogManager(dataDirs: paths, logger: quietLogger)
        for partition: Int32 in 0..<6 {
            _ = try manager.openOrCreateLog(topic: "a", partition: partition, topicId: .zero, config: LogConfig())
        }
        func count(_ m: LogManager, _ dir: String) -> Int {
            m.allLogs.keys.filter { m.dataDir(topic: $0.topic, partition: $0.partition) == dir }.count
        }
        #expect(paths.map { count(manager, $0) } == [2, 2, 2])
        // Empty the second directory: the next two logs both go there.
        let inSecond = manager.allLogs.keys.filter { manager.dataDir(topic: $0.topic, partition: $0.partition) == paths[1] }
        for key in inSecond { try manager.deleteLog(topic: key.topic, partition: key.partition) }
        for partition: Int32 in 0..<2 {
            _ = try manager.openOrCreateLog(topic: "b", partition: partition, topicId: .zero, config: LogConfig())
            #expect(manager.dataDir(topic: "b", partition: partition) == paths[1])
        }
        // Reopening an existing log places nothing new.
        _ = try manager.openOrCreateLog(topic: "b", partition: 0, topicId: .zero, config: LogConfig())
        manager.closeAll()
        // After a restart the counts come from disk: [2, 2, 2] again, so the next log goes first.
        let again = try LogManager(dataDirs: paths, logger: quietLogger)
        defer { again.closeAll() }
        #expect(paths.map { count(again, $0) } == [2, 2, 2])
        _ = try again.openOrCreateLog(topic: "c", partition: 0, topicId: .zero, config: LogConfig())
        #expect(again.dataDir(topic: "c", partition: 0) == paths[0])
    }

    @Test func refusesTopicNamesThatAreNotOnePathComponent() throws {
        let dir = TestDirectory()
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger)
        defer { manager.closeAll() }
        for name in ["", "..", "a/b"] {
            #expect(throws: StorageError.self) { try manager.openOrCreateLog(topic: name, partition: 0, topicId: .zero, config: LogConfig()) }
        }
    }
}

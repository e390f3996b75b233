import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct FaultTests {
    @Test func aShortWriteIsCutBackAndTheLogStaysReadable() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let path = "\(dir.path)/t-0"
        let log = try PartitionLog.open(directory: path, topic: "t", partition: 0, config: LogConfig(), io: io, logger: quietLogger)
        try log.appendBatch(records: 3)
        let sizeBefore = log.size
        io.failNextWrite(after: 30)
        do {
            try log.appendBatch(records: 5)
            Issue.record("the append must fail")
        } catch let error as StorageError {
            #expect(error.code == .kafkaStorageError)
            #expect(error.message.contains("No space left"))
        }
        // Nothing of the failed append remains: offsets, size and file are as before.
        #expect(log.logEndOffset == 3 && log.size == sizeBefore)
        let fileSize = try #require(FileManager.default.attributesOfItem(atPath: "\(path)/00000000000000000000.log")[.size] as? Int)
        #expect(Int64(fileSize) == sizeBefore)
        #expect(try log.appendBatch(records: 2).firstOffset == 3)
        #expect(try log.readAll(from: 0).map(\.baseOffset) == [0, 3])
        // And a crash now recovers every batch, nothing torn.
        let reopened = try PartitionLog.open(directory: path, topic: "t", partition: 0, config: LogConfig(), logger: quietLogger)
        #expect(reopened.loadSummary.truncatedBytes == 0 && reopened.logEndOffset == 5)
    }

    @Test func aFailedFsyncIsReportedAndRetriedByTheNextFlush() throws {
        let dir = TestDirectory()
        let io = FaultyIO()
        let log = try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: LogConfig(), io: io, logger: quietLogger)
        try log.appendBatch(records: 3)
        io.failFsyncs(true)
        #expect(throws: StorageError.self) { try log.flush() }
        #expect(log.recoveryPoint == 0)
        io.failFsyncs(false)
        let before = io.fsyncs
        try log.flush()
        #expect(io.fsyncs > before)
        #expect(log.recoveryPoint == 3)
    }
}

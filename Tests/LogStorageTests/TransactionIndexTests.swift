import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

/// Transactional data in the log: the last stable offset, the aborted transactions a
/// read_committed fetch reports, and the `.txnindex` files across roll, restart and recovery.
@Suite struct TransactionIndexTests {
    static let topicId = KafkaUUID(high: 3, low: 4)

    func config() -> LogConfig {
        var config = LogConfig()
        config.segmentBytes = 1024
        return config
    }

    func open(_ dir: TestDirectory) throws -> (LogManager, PartitionLog) {
        let manager = try LogManager(dataDir: dir.path, logger: quietLogger, defaultConfig: config())
        let log = try manager.openOrCreateLog(topic: "t", partition: 0, topicId: Self.topicId, config: config())
        return (manager, log)
    }

    /// Appends `count` transactional records of `producerId`, sequences from `sequence`.
    @discardableResult
    func write(_ log: PartitionLog, producerId: Int64, count: Int, sequence: Int32) throws -> AppendResult {
        var builder = RecordBatchBuilder(producerId: producerId, producerEpoch: 0, baseSequence: sequence, isTransactional: true)
        for index in 0..<count { builder.append(key: nil, value: "v\(index)", timestamp: 1_000) }
        let batch = try builder.build()
        let result = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        log.updateHighWatermark(log.logEndOffset)
        return result
    }

    @discardableResult
    func end(_ log: PartitionLog, producerId: Int64, commit: Bool) throws -> AppendResult {
        let marker = try RecordBatchBuilder.endTransactionMarker(
            commit ? .commit : .abort, producerId: producerId, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1_000)
        let result = try log.append(marker, leaderEpoch: 0, logAppendTime: nil, origin: .coordinator)
        log.updateHighWatermark(log.logEndOffset)
        return result
    }

    @Test func theOldestOpenTransactionBoundsTheLastStableOffset() throws {
        let dir = TestDirectory()
        let (manager, log) = try open(dir)
        defer { manager.closeAll() }
        try write(log, producerId: 1, count: 3, sequence: 0)        // 0...2
        try write(log, producerId: 2, count: 2, sequence: 0)        // 3...4
        try log.appendBatch(records: 1)                             // 5, plain
        log.updateHighWatermark(log.logEndOffset)
        #expect(log.lastStableOffset == 0 && log.highWatermark == 6)
        try end(log, producerId: 1, commit: true)                   // 6
        #expect(log.lastStableOffset == 3)
        try end(log, producerId: 2, commit: false)                  // 7
        #expect(log.lastStableOffset == 8)
        // Producer 1 committed: only producer 2's abort is reported, with the LSO after it.
        #expect(log.abortedTransactions(from: 0, upTo: 8) == [
            AbortedTransaction(producerId: 2, firstOffset: 3, lastOffset: 7, lastStableOffset: 8),
        ])
        #expect(log.abortedTransactions(from: 8, upTo: 9).isEmpty)
        #expect(log.abortedTransactions(from: 0, upTo: 3).isEmpty)
        // The high watermark still caps the last stable offset.
        log.updateHighWatermark(7)
        #expect(log.lastStableOffset == 7)
    }

    @Test func abortsSurviveRollsAndRestartsAndAreFoundFromEarlierSegments() throws {
        let dir = TestDirectory()
        var (manager, log) = try open(dir)
        var sequence: Int32 = 0
        var aborts: [AbortedTransaction] = []
        for round in 0..<12 {
            let first = try write(log, producerId: 9, count: 10, sequence: sequence).firstOffset
            sequence += 10
            let marker = try end(log, producerId: 9, commit: round % 2 == 1).firstOffset
            if round % 2 == 0 { aborts.append(AbortedTransaction(producerId: 9, firstOffset: first, lastOffset: marker, lastStableOffset: marker + 1)) }
        }
        #expect(log.segmentCount > 2)
        #expect(log.abortedTransactions(from: 0, upTo: log.logEndOffset) == aborts)
        let txnFiles = dir.files(in: "t-0").filter { $0.hasSuffix(".txnindex") }
        #expect(!txnFiles.isEmpty)
        manager.closeAll()
        (manager, log) = try open(dir)
        #expect(log.abortedTransactions(from: 0, upTo: log.logEndOffset) == aborts)
        #expect(log.lastStableOffset == log.logEndOffset)
        // A fetch starting inside an aborted transaction still learns of it.
        let second = aborts[1]
        #expect(log.abortedTransactions(from: second.firstOffset + 2, upTo: second.firstOffset + 3) == [second])
        manager.closeAll()
    }

    @Test func aLostIndexWriteIsRebuiltFromTheLogAfterACrash() throws {
        let dir = TestDirectory()
        let (manager, log) = try open(dir)
        try write(log, producerId: 5, count: 4, sequence: 0)
        try end(log, producerId: 5, commit: false)
        try write(log, producerId: 5, count: 2, sequence: 4)      // still open at the crash
        let expected = log.abortedTransactions(from: 0, upTo: 10)
        #expect(expected.count == 1)
        // kill -9 before the index reached the disk: no close, and the file is gone.
        for name in dir.files(in: "t-0") where name.hasSuffix(".txnindex") {
            try FileManager.default.removeItem(atPath: "\(dir.path)/t-0/\(name)")
        }
        _ = manager
        let (again, reopened) = try open(dir)
        defer { again.closeAll() }
        #expect(reopened.abortedTransactions(from: 0, upTo: 10) == expected)
        // The open transaction came back too: it still holds the last stable offset at its start.
        reopened.updateHighWatermark(reopened.logEndOffset)
        #expect(reopened.lastStableOffset == 5)
        try end(reopened, producerId: 5, commit: true)
        #expect(reopened.lastStableOffset == reopened.logEndOffset)
    }

    @Test func truncationDropsAbortsAtAndAboveTheCut() throws {
        let dir = TestDirectory()
        let (manager, log) = try open(dir)
        defer { manager.closeAll() }
        try write(log, producerId: 1, count: 2, sequence: 0)
        try end(log, producerId: 1, commit: false)                  // marker at 2
        try write(log, producerId: 1, count: 2, sequence: 2)
        try end(log, producerId: 1, commit: false)                  // marker at 5
        #expect(log.abortedTransactions(from: 0, upTo: 6).map(\.lastOffset) == [2, 5])
        try log.truncate(to: 4)
        #expect(log.abortedTransactions(from: 0, upTo: 6).map(\.lastOffset) == [2])
        // The producer's transaction at 3 is open again after the cut.
        log.updateHighWatermark(log.logEndOffset)
        #expect(log.lastStableOffset == 3)
    }

    @Test func anInterruptedCleanerSwapKeepsTheCleanedTransactionIndex() throws {
        let dir = TestDirectory()
        let partition = "\(dir.path)/t-0"
        try FileManager.default.createDirectory(atPath: partition, withIntermediateDirectories: true)
        // A cleaned segment whose swap began: its log and transaction index under `.swap` names.
        let swapLog = LogFileNames.logFile(partition, 0) + LogFileNames.swapSuffix
        #expect(FileManager.default.createFile(atPath: swapLog, contents: Data(makeBatch(records: 3).readableBytesView)))
        let entry = AbortedTransaction(producerId: 4, firstOffset: 0, lastOffset: 2, lastStableOffset: 3)
        var index = TransactionIndex(path: LogFileNames.txnIndexFile(partition, 0) + LogFileNames.swapSuffix)
        try index.append(entry, io: PosixFileIO())
        #expect(try SwapRecovery.run(in: partition, io: PosixFileIO(), logger: quietLogger) == 1)
        #expect(TransactionIndex.load(path: LogFileNames.txnIndexFile(partition, 0)).entries == [entry])
        let log = try PartitionLog.open(directory: partition, topic: "t", partition: 0, config: config(), logger: quietLogger)
        #expect(log.logEndOffset == 3)
        #expect(log.abortedTransactions(from: 0, upTo: 3) == [entry])
    }
}

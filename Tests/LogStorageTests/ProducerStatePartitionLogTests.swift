import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

/// The producer state wired into PartitionLog: check and append under one lock, snapshots on
/// roll and close, rebuild on open.
@Suite("Producer state in PartitionLog")
struct ProducerStatePartitionLogTests {
    func config(segmentBytes: Int = 1 << 20) -> LogConfig {
        var config = LogConfig()
        config.segmentBytes = segmentBytes
        config.indexIntervalBytes = 128
        return config
    }

    func open(_ dir: TestDirectory, config: LogConfig, clean: Bool = false) throws -> PartitionLog {
        try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config,
            recovery: LogRecoveryState(cleanShutdown: clean), logger: quietLogger)
    }

    func batch(pid: Int64, epoch: Int16 = 0, seq: Int32, records: Int, valueSize: Int = 10) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(producerId: pid, producerEpoch: pid >= 0 ? epoch : -1, baseSequence: seq)
        for index in 0..<records {
            builder.append(key: nil, value: ByteBuffer(repeating: UInt8(index), count: valueSize), timestamp: 1_000)
        }
        return try builder.build()
    }

    @discardableResult
    func produce(_ log: PartitionLog, pid: Int64, epoch: Int16 = 0, seq: Int32, records: Int, valueSize: Int = 10, logAppendTime: Int64? = nil) throws -> AppendResult {
        let records = try batch(pid: pid, epoch: epoch, seq: seq, records: records, valueSize: valueSize)
        return try log.append(records, leaderEpoch: 0, logAppendTime: logAppendTime)
    }

    @Test("the conformance scenario: a replay is answered with the original offsets and not stored; a gap is rejected")
    func replayAndGap() throws {
        let dir = TestDirectory()
        let log = try open(dir, config: config())
        #expect(try produce(log, pid: 1000, seq: 0, records: 3).firstOffset == 0)
        let again = try produce(log, pid: 1000, seq: 0, records: 3)
        #expect(again.isDuplicate)
        #expect(again.firstOffset == 0 && again.lastOffset == 2)
        #expect(log.logEndOffset == 3)
        #expect(try produce(log, pid: 1000, seq: 3, records: 1).firstOffset == 3)
        let gap = #expect(throws: StorageError.self) { try produce(log, pid: 1000, seq: 10, records: 1) }
        #expect(gap?.code == .outOfOrderSequenceNumber)
        #expect(log.logEndOffset == 4)
        #expect(try log.readAll(from: 0).map(\.baseOffset) == [0, 3])
        // Plain producers are untouched (aiokafka: producer id -1 with sequence 0, twice).
        #expect(try produce(log, pid: -1, seq: 0, records: 1).firstOffset == 4)
        #expect(try produce(log, pid: -1, seq: 0, records: 1).firstOffset == 5)
    }

    @Test("a retry on a LogAppendTime topic repeats the original append time")
    func logAppendTimeRetry() throws {
        let dir = TestDirectory()
        let log = try open(dir, config: config())
        #expect(try produce(log, pid: 4, seq: 0, records: 2, logAppendTime: 111).logAppendTime == 111)
        let retry = try produce(log, pid: 4, seq: 0, records: 2, logAppendTime: 222)
        #expect(retry.isDuplicate && retry.logAppendTime == 111)
    }

    @Test("rolls write snapshots; a kill replays only the active segment; a clean close snapshots the end", arguments: [false, true])
    func restart(clean: Bool) throws {
        let dir = TestDirectory()
        let log = try open(dir, config: config(segmentBytes: 400))
        for seq in 0..<12 { try produce(log, pid: 7, seq: Int32(seq * 2), records: 2, valueSize: 30) }
        let bases = log.segmentBaseOffsets
        #expect(bases.count > 2)
        let snapshots = dir.files(in: "t-0").filter { $0.hasSuffix(".snapshot") }
        #expect(snapshots == bases.dropFirst().map { LogFileNames.baseName($0) + ".snapshot" })
        if clean { try log.close() }

        let reopened = try open(dir, config: config(segmentBytes: 400), clean: clean)
        #expect(reopened.loadSummary.producerSnapshotOffset == (clean ? 24 : bases.last))
        #expect(reopened.loadSummary.replayedProducerBatches == (clean ? 0 : Int(24 - (bases.last ?? 0)) / 2))
        // The last five batches are still recognised, the sixth from the end is not.
        let retry = try produce(reopened, pid: 7, seq: 22, records: 2, valueSize: 30)
        #expect(retry.isDuplicate && retry.firstOffset == 22)
        #expect(try produce(reopened, pid: 7, seq: 14, records: 2, valueSize: 30).isDuplicate)
        #expect(throws: StorageError.self) { try produce(reopened, pid: 7, seq: 12, records: 2, valueSize: 30) }
        #expect(try produce(reopened, pid: 7, seq: 24, records: 1).firstOffset == 24)
    }

    @Test("truncation rebuilds the state as of the new end")
    func truncation() throws {
        let dir = TestDirectory()
        let log = try open(dir, config: config(segmentBytes: 400))
        for seq in 0..<10 { try produce(log, pid: 3, seq: Int32(seq), records: 1, valueSize: 60) }
        try log.truncate(to: 6)
        #expect(log.logEndOffset == 6)
        #expect(throws: StorageError.self) { try produce(log, pid: 3, seq: 10, records: 1) }
        #expect(try produce(log, pid: 3, seq: 5, records: 1).isDuplicate)
        #expect(try produce(log, pid: 3, seq: 6, records: 1).firstOffset == 6)
        #expect(dir.files(in: "t-0").filter { $0.hasSuffix(".snapshot") }.allSatisfy { (Int64($0.prefix(20)) ?? .max) <= 6 })
    }

    @Test("DeleteRecords removes the snapshots of deleted segments but keeps the producers")
    func deleteRecords() throws {
        let dir = TestDirectory()
        let log = try open(dir, config: config(segmentBytes: 400))
        for seq in 0..<12 { try produce(log, pid: 9, seq: Int32(seq), records: 1, valueSize: 60) }
        log.updateHighWatermark(log.logEndOffset)
        let bases = log.segmentBaseOffsets
        try log.deleteRecords(before: bases[2])
        let snapshots = dir.files(in: "t-0").filter { $0.hasSuffix(".snapshot") }.compactMap { Int64($0.prefix(20)) }
        #expect(snapshots.allSatisfy { $0 >= bases[2] })
        #expect(log.producerCount == 1)
        #expect(try produce(log, pid: 9, seq: 12, records: 1).firstOffset == 12)
    }
}

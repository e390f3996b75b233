import Foundation
import KafkaProtocol
import NIOCore
import Synchronization
import Testing
@testable import LogStorage

@Suite struct LogCleanerTransactionTests {
    private func openLog(_ dir: TestDirectory, clock: ManualClock, segmentBytes: Int = 700) throws -> PartitionLog {
        try PartitionLog.open(
            directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: compactedConfig(segmentBytes: segmentBytes), clock: clock,
            logger: quietLogger)
    }

    private func roll(_ log: PartitionLog, _ tag: String, count: Int = 4) throws {
        for index in 0..<count { try log.appendKeyed([KV("roller", "\(tag)\(index)-\(String(repeating: "r", count: 120))")]) }
    }

    private func markers(_ log: PartitionLog) throws -> [RecordBatchHeader] {
        try log.storedBatches().map(\.header).filter(\.isControl)
    }

    @Test func aCommitMarkerOutlivesItsDataThenItsDeleteHorizon() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, clock: clock)
        try log.appendKeyed([KV("t1", "in-txn"), KV("t2", "in-txn")], producerId: 9, producerEpoch: 0, baseSequence: 0, transactional: true)
        try log.appendMarker(.commit, producerId: 9, producerEpoch: 0)
        try log.appendKeyed([KV("t1", "later"), KV("t2", "later")])
        try roll(log, "a")
        // The producer is long gone, so nothing of it needs keeping for its sequence numbers.
        #expect(log.expireProducers(producerIdExpirationMs: 0) == 1)
        let cleaner = makeCleaner([log], clock: clock, dataDir: dir.path)

        // 1: the transaction's data is superseded and goes; the marker still guards it this pass.
        _ = try #require(cleaner.cleanOnce())
        #expect(try log.storedBatches().contains { $0.header.producerId == 9 && !$0.header.isControl } == false)
        var found = try markers(log)
        #expect(found.count == 1 && found.first?.hasDeleteHorizon == false)

        // 2: no data left behind it: the marker gets its delete horizon.
        try roll(log, "b")
        _ = try #require(cleaner.cleanOnce())
        found = try markers(log)
        #expect(found.count == 1 && found.first?.hasDeleteHorizon == true && found.first?.baseTimestamp == clock.nowMs + 1_000)

        // 3: after delete.retention.ms it goes.
        clock.advance(by: 1_001)
        try roll(log, "c")
        _ = try #require(cleaner.cleanOnce())
        #expect(try markers(log).isEmpty)
        #expect(try log.storedRecords().filter { $0.key != "roller" }.map(\.value) == ["later", "later"])
    }

    @Test func abortedDataIsRemovedAndItsAbortStaysIndexed() throws {
        let dir = TestDirectory()
        let clock = ManualClock()
        let log = try openLog(dir, clock: clock, segmentBytes: 2_000)
        try log.appendKeyed([KV("keep", "1")])
        let data = try log.appendKeyed([KV("x1", "aborted"), KV("x2", "aborted")], producerId: 11, producerEpoch: 0, baseSequence: 0, transactional: true)
        try log.appendMarker(.abort, producerId: 11, producerEpoch: 0)
        try log.appendKeyed([KV("keep", "2")])
        try roll(log, "a", count: 16)
        let aborted = AbortedTransaction(
            producerId: 11, firstOffset: data.firstOffset, lastOffset: data.lastOffset + 1, lastStableOffset: data.lastOffset + 2)
        #expect(log.abortedTransactions(from: 0, upTo: log.logEndOffset) == [aborted])
        let cleaner = makeCleaner([log], clock: clock, dataDir: dir.path)
        _ = try #require(cleaner.cleanOnce())

        // The aborted records are gone although no later record has their keys; the producer's
        // batch stays as an empty header (it holds its last sequence).
        let values = try log.storedRecords().filter { $0.key != "roller" }.map { "\($0.key ?? "")=\($0.value ?? "nil")" }
        #expect(values == ["keep=2"])
        let producerBatches = try log.storedBatches().filter { $0.header.producerId == 11 }
        #expect(producerBatches.allSatisfy { $0.records.isEmpty || $0.header.isControl })
        // The abort marker stays while the transaction's batch is in the log, and the cleaned
        // segment's transaction index still holds the abort, on disk too.
        #expect(try markers(log).count == 1)
        #expect(log.abortedTransactions(from: 0, upTo: log.logEndOffset) == [aborted])
        let reopened = try openLog(dir, clock: clock, segmentBytes: 2_000)
        #expect(reopened.abortedTransactions(from: 0, upTo: reopened.logEndOffset) == [aborted])
    }
}

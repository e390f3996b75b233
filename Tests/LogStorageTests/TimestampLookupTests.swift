import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct TimestampLookupTests {
    private func openLog(_ dir: TestDirectory, segmentBytes: Int = 1 << 30) throws -> PartitionLog {
        var config = LogConfig()
        config.segmentBytes = segmentBytes
        config.indexIntervalBytes = 128
        return try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: config, logger: quietLogger)
    }

    @Test func findsTheFirstRecordAtOrAfterATimestampInsideABatch() throws {
        let dir = TestDirectory()
        let log = try openLog(dir, segmentBytes: 2048)
        // 40 batches of 5 records; batch b holds timestamps 1000*b + 0, 10, 20, 30, 40.
        for b in 0..<40 {
            let batch = makeBatch(records: 5, timestamp: Int64(b) * 1000, valueSize: 30, timestampStep: 10)
            _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        }
        #expect(log.segmentCount > 3)
        #expect(try log.offset(forTimestamp: 0).map { [$0.offset, $0.timestamp] } == [0, 0])
        #expect(try log.offset(forTimestamp: 17_015).map { [$0.offset, $0.timestamp] } == [17 * 5 + 2, 17_020])
        #expect(try log.offset(forTimestamp: 17_041).map { [$0.offset, $0.timestamp] } == [18 * 5, 18_000])
        #expect(try log.offset(forTimestamp: 39_040).map { [$0.offset, $0.timestamp] } == [199, 39_040])
        #expect(try log.offset(forTimestamp: 39_041) == nil)
        #expect(try log.maxTimestampAndOffset().map { [$0.timestamp, $0.offset] } == [39_040, 199])
    }

    @Test func looksInsideCompressedBatchesAndRespectsTheLogStartOffset() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        let batch = makeBatch(records: 10, timestamp: 500, compression: .gzip, timestampStep: 100)
        _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        #expect(try log.offset(forTimestamp: 750).map { [$0.offset, $0.timestamp] } == [3, 800])
        log.updateHighWatermark(10)
        try log.deleteRecords(before: 6)
        #expect(try log.offset(forTimestamp: 750).map { [$0.offset, $0.timestamp] } == [6, 1100])
    }

    @Test func outOfOrderTimestampsStillFindTheFirstBatchReachingTheTarget() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        for timestamp: Int64 in [100, 900, 300, 950, 200] {
            let batch = makeBatch(records: 1, timestamp: timestamp, valueSize: 200)
            _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        }
        #expect(try log.offset(forTimestamp: 250)?.offset == 1)
        #expect(try log.offset(forTimestamp: 920)?.offset == 3)
        #expect(try log.maxTimestampAndOffset().map { [$0.timestamp, $0.offset] } == [950, 3])
    }

    @Test func logAppendTimeBatchesAnswerWithTheirAppendTime() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        try log.appendBatch(records: 3, timestamp: 1, logAppendTime: 5_000)
        try log.appendBatch(records: 3, timestamp: 1, logAppendTime: 6_000)
        #expect(try log.offset(forTimestamp: 5_500).map { [$0.offset, $0.timestamp] } == [3, 6_000])
    }

    @Test func emptyLogHasNoTimestamps() throws {
        let dir = TestDirectory()
        let log = try openLog(dir)
        #expect(try log.offset(forTimestamp: 0) == nil)
        #expect(try log.maxTimestampAndOffset() == nil)
    }
}

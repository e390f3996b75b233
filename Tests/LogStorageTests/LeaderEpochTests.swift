import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite struct LeaderEpochTests {
    @Test func cacheAnswersEndOffsetsLikeKafka() {
        var cache = LeaderEpochCache(path: "/dev/null")
        cache.assign(epoch: 1, startOffset: 0)
        cache.assign(epoch: 1, startOffset: 5)  // same epoch later: no change
        cache.assign(epoch: 3, startOffset: 10)
        cache.assign(epoch: 5, startOffset: 20)
        #expect(cache.entries.map(\.epoch) == [1, 3, 5])
        #expect(cache.endOffset(for: 5, logEndOffset: 30) == (5, 30))
        #expect(cache.endOffset(for: 3, logEndOffset: 30) == (3, 20))
        #expect(cache.endOffset(for: 4, logEndOffset: 30) == (3, 20))
        #expect(cache.endOffset(for: 1, logEndOffset: 30) == (1, 10))
        #expect(cache.endOffset(for: 0, logEndOffset: 30) == (0, 0))
        #expect(cache.endOffset(for: 6, logEndOffset: 30) == (-1, -1))
        #expect(cache.endOffset(for: -1, logEndOffset: 30) == (-1, -1))
        #expect(cache.epoch(containing: 15) == 3)
        // A new entry removes those that would break the ordering.
        cache.assign(epoch: 4, startOffset: 15)
        #expect(cache.entries.map(\.epoch) == [1, 3, 4])
        cache.truncateFromEnd(15)
        #expect(cache.entries.map(\.epoch) == [1, 3])
        cache.truncateFromStart(12)
        #expect(cache.entries == [.init(epoch: 3, startOffset: 12)])
    }

    @Test func appendsRecordEpochsAndTheCheckpointSurvivesReopen() throws {
        let dir = TestDirectory()
        let path = "\(dir.path)/t-0"
        let log = try PartitionLog.open(directory: path, topic: "t", partition: 0, config: LogConfig(), logger: quietLogger)
        try log.appendBatch(records: 3, epoch: 0)
        try log.appendBatch(records: 2, epoch: 0)
        try log.appendBatch(records: 4, epoch: 2)
        try log.appendBatch(records: 1, epoch: 5)
        #expect(log.endOffset(forLeaderEpoch: 0) == (0, 5))
        #expect(log.endOffset(forLeaderEpoch: 1) == (0, 5))
        #expect(log.endOffset(forLeaderEpoch: 2) == (2, 9))
        #expect(log.endOffset(forLeaderEpoch: 5) == (5, 10))
        #expect(log.epoch(containing: 6) == 2)
        let text = try String(contentsOfFile: "\(path)/leader-epoch-checkpoint", encoding: .utf8)
        #expect(text == "0\n3\n0 0\n2 5\n5 9\n")
        try log.close()
        let reopened = try PartitionLog.open(
            directory: path, topic: "t", partition: 0, config: LogConfig(),
            recovery: LogRecoveryState(recoveryPoint: 10, cleanShutdown: true), logger: quietLogger)
        #expect(reopened.leaderEpochEntries.map(\.epoch) == [0, 2, 5])
        try reopened.truncate(to: 5)
        #expect(reopened.leaderEpochEntries.map(\.epoch) == [0])
        #expect(reopened.endOffset(forLeaderEpoch: 0) == (0, 5))
    }

    /// A broker led epoch 1 from offset 2 without writing a record (leadership moved to it and
    /// away again), then follows a leader whose history has no epoch 1: told to truncate to
    /// offset 2, its log end, it must drop the empty epoch, or it fetches with epoch 1 forever.
    @Test func truncatingToTheLogEndDropsEpochsStartingThere() throws {
        let dir = TestDirectory()
        let path = "\(dir.path)/t-0"
        let log = try PartitionLog.open(directory: path, topic: "t", partition: 0, config: LogConfig(), logger: quietLogger)
        try log.appendBatch(records: 2, epoch: 0)
        log.assignLeaderEpoch(1, startOffset: 2)
        #expect(log.leaderEpochEntries.map(\.epoch) == [0, 1])
        try log.truncate(to: 2)
        #expect(log.logEndOffset == 2)
        #expect(log.leaderEpochEntries.map(\.epoch) == [0])
        #expect(log.endOffset(forLeaderEpoch: 0) == (0, 2))
        #expect(try String(contentsOfFile: "\(path)/leader-epoch-checkpoint", encoding: .utf8) == "0\n1\n0 0\n")
        // Past the end too; records stay.
        log.assignLeaderEpoch(3, startOffset: 2)
        try log.truncate(to: 7)
        #expect(log.leaderEpochEntries.map(\.epoch) == [0])
        #expect(try log.readAll(from: 0).map(\.baseOffset) == [0])
    }

    @Test func followerAppendsKeepOffsetsAndLearnEpochsFromBatches() throws {
        let dir = TestDirectory()
        let log = try PartitionLog.open(directory: "\(dir.path)/t-0", topic: "t", partition: 0, config: LogConfig(), logger: quietLogger)
        var records = makeBatch(records: 3, baseOffset: 0, leaderEpoch: 1)
        records.writeImmutableBuffer(makeBatch(records: 2, baseOffset: 3, leaderEpoch: 4))
        let result = try log.appendAsFollower(records)
        #expect(result.firstOffset == 0 && result.lastOffset == 4)
        #expect(log.logEndOffset == 5)
        #expect(log.leaderEpochEntries.map { [Int64($0.epoch), $0.startOffset] } == [[1, 0], [4, 3]])
        // A batch that does not follow the log end is refused.
        #expect(throws: StorageError.self) { try log.appendAsFollower(makeBatch(records: 1, baseOffset: 2, leaderEpoch: 4)) }
        #expect(try log.readAll(from: 0).map(\.baseOffset) == [0, 3])
    }
}

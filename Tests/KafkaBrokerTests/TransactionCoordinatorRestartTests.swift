import Foundation
import KafkaProtocol
import LogStorage
import Synchronization
import Testing

@testable import KafkaBroker

/// The transaction coordinator over real logs: markers reach the partitions, read_committed
/// bounds follow, and a coordinator that stops between a transaction's Prepare record and its
/// markers finishes the transaction when it starts again.
@Suite struct TransactionCoordinatorRestartTests {
    static let now: Int64 = 1_700_000_000_000

    /// Produces transactional records as a client would (sequence from 0).
    static func produce(_ fixture: GroupCoordinatorFixture, _ producer: ProducerIdAndEpoch, values: [String], sequence: Int32 = 0) throws {
        var builder = RecordBatchBuilder(
            producerId: producer.producerId, producerEpoch: producer.epoch, baseSequence: sequence, isTransactional: true)
        for value in values { builder.append(key: nil, value: value, timestamp: now) }
        let batch = try builder.build()
        let partition = try #require(fixture.topics.partition(topic: "t", index: 0))
        _ = try partition.appendAsLeader(batch, logAppendTime: nil)
    }

    static func begin(_ coordinator: TransactionCoordinator, _ id: String) async throws -> ProducerIdAndEpoch {
        let producer = try await coordinator.initProducerId(transactionalId: id, timeoutMs: 60_000, expected: nil).get()
        #expect(await coordinator.addPartitions(transactionalId: id, producer: producer, partitions: [TopicPartition(topic: "t", partition: 0)]) == .none)
        return producer
    }

    @Test func commitAndAbortMarkersMoveTheLastStableOffset() async throws {
        let fixture = try await GroupCoordinatorFixture.make(clock: { Self.now })
        try await fixture.createTopic(name: "t", partitions: 1)
        let coordinator = fixture.transactionCoordinator
        let log = try #require(fixture.topics.partition(topic: "t", index: 0)).log

        let producer = try await Self.begin(coordinator, "tx")
        try Self.produce(fixture, producer, values: ["a", "b", "c"])
        #expect(log.lastStableOffset == 0 && log.highWatermark == 3)
        #expect(await coordinator.endTransaction(transactionalId: "tx", producer: producer, commit: false) == .none)
        // 3 records + the abort marker; the abort is indexed for read_committed fetches.
        #expect(log.logEndOffset == 4 && log.lastStableOffset == 4)
        #expect(log.abortedTransactions(from: 0, upTo: 4) == [
            AbortedTransaction(producerId: producer.producerId, firstOffset: 0, lastOffset: 3, lastStableOffset: 4),
        ])
        #expect(coordinator.snapshot(partition: coordinator.partitionFor(transactionalId: "tx"))?.transactions["tx"]?.state == .completeAbort)

        #expect(await coordinator.addPartitions(transactionalId: "tx", producer: producer, partitions: [TopicPartition(topic: "t", partition: 0)]) == .none)
        try Self.produce(fixture, producer, values: ["d"], sequence: 3)
        #expect(log.lastStableOffset == 4)
        #expect(await coordinator.endTransaction(transactionalId: "tx", producer: producer, commit: true) == .none)
        #expect(log.logEndOffset == 6 && log.lastStableOffset == 6)
        #expect(log.abortedTransactions(from: 4, upTo: 6).isEmpty)
    }

    @Test func aCoordinatorStoppedBeforeItsMarkersFinishesTheCommitOnRestart() async throws {
        let fixture = try await GroupCoordinatorFixture.make(clock: { Self.now })
        try await fixture.createTopic(name: "t", partitions: 1)
        let coordinator = fixture.transactionCoordinator
        let producer = try await Self.begin(coordinator, "tx")
        try Self.produce(fixture, producer, values: ["a", "b"])
        // PrepareCommit reaches __transaction_state, then the process dies before any marker.
        _ = try #require(coordinator.shard(for: "tx")).decide(now: Self.now) { state throws(BrokerError) in
            try state.endTransaction("tx", producerId: producer.producerId, producerEpoch: producer.epoch, commit: true, now: Self.now)
        }
        let before = try #require(fixture.topics.partition(topic: "t", index: 0)).log
        #expect(before.lastStableOffset == 0 && before.logEndOffset == 2)

        try await fixture.restart(clean: false)
        let restarted = fixture.transactionCoordinator
        let log = try #require(fixture.topics.partition(topic: "t", index: 0)).log
        // The open transaction came back from the producer state, and the commit marker followed
        // (written by the reloaded shard in the background).
        _ = try await BrokerFixture.waitFor("the commit marker after the restart") {
            restarted.snapshot(partition: restarted.partitionFor(transactionalId: "tx"))?.transactions["tx"]?.state == .completeCommit
                ? true : nil
        }
        #expect(log.logEndOffset == 3 && log.lastStableOffset == 3)
        #expect(log.abortedTransactions(from: 0, upTo: 3).isEmpty)
        let state = restarted.snapshot(partition: restarted.partitionFor(transactionalId: "tx"))?.transactions["tx"]
        #expect(state?.state == .completeCommit && state?.producerEpoch == producer.epoch)
    }

    @Test func anOpenTransactionSurvivesARestartAndItsTimeoutAbortsIt() async throws {
        let clock = ManualClock(Self.now)
        let fixture = try await GroupCoordinatorFixture.make(clock: { clock.now })
        try await fixture.createTopic(name: "t", partitions: 1)
        let producer = try await Self.begin(fixture.transactionCoordinator, "tx")
        try Self.produce(fixture, producer, values: ["a"])
        try await fixture.restart(clean: false)

        let restarted = fixture.transactionCoordinator
        let log = try #require(fixture.topics.partition(topic: "t", index: 0)).log
        #expect(log.lastStableOffset == 0)
        clock.now += 60_001
        await restarted.runBackgroundWork()
        // Aborted under a bumped epoch: the old producer is fenced at the partition too.
        #expect(log.logEndOffset == 2 && log.lastStableOffset == 2)
        #expect(log.abortedTransactions(from: 0, upTo: 2).map(\.producerId) == [producer.producerId])
        #expect(await restarted.endTransaction(transactionalId: "tx", producer: producer, commit: true) == .producerFenced)
        #expect(throws: StorageError.self) { try Self.produce(fixture, producer, values: ["zombie"], sequence: 1) }
    }

    @Test func offsetsCommittedInATransactionCountOnlyAfterItCommits() async throws {
        let fixture = try await GroupCoordinatorFixture.make(clock: { Self.now })
        try await fixture.createTopic(name: "t", partitions: 1)
        let coordinator = fixture.transactionCoordinator
        let producer = try await coordinator.initProducerId(transactionalId: "tx", timeoutMs: 60_000, expected: nil).get()
        let groupPartition = TopicPartition(topic: "__consumer_offsets", partition: fixture.coordinator.partitionFor(groupId: "g"))
        #expect(await coordinator.addPartitions(transactionalId: "tx", producer: producer, partitions: [groupPartition]) == .none)
        let request = TxnOffsetCommitRequest(
            transactionalId: "tx", groupId: "g", producerId: producer.producerId, producerEpoch: producer.epoch, generationId: -1,
            memberId: "", topics: [.init(name: "t", partitions: [.init(partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1)])])
        #expect(fixture.coordinator.commitTransactionalOffsets(request).topics.first?.partitions.first?.errorCode == 0)
        #expect(fixture.fetch("g", [("t", [0])])["t-0"] == -1)
        #expect(await coordinator.endTransaction(transactionalId: "tx", producer: producer, commit: true) == .none)
        #expect(fixture.fetch("g", [("t", [0])])["t-0"] == 42)
        // And the same after a crash: the marker in __consumer_offsets is replayed.
        try await fixture.restart(clean: false)
        #expect(fixture.fetch("g", [("t", [0])])["t-0"] == 42)
    }
}

/// A clock tests move by hand (the broker's background tasks read it too).
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ now: Int64) { value = Mutex(now) }

    var now: Int64 {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

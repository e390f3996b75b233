import KafkaProtocol
import LogStorage
import Testing

@testable import KafkaBroker

/// The transaction coordinator's state machine without I/O: decisions are checked, then their
/// records replayed, as the runtime does after appending them.
@Suite struct TransactionCoordinatorShardTests {
    var shard = TransactionCoordinatorShard(partitionIndex: 0, config: TransactionCoordinatorConfig())
    var nextProducerId: Int64 = 1000
    let t0 = TopicPartition(topic: "t", partition: 0)
    let t1 = TopicPartition(topic: "t", partition: 1)

    /// Applies a decision's record, as the runtime does once it is in the log.
    mutating func apply<A>(_ decision: TransactionDecision<A>) -> A {
        if let record = decision.record { shard.replay(record) }
        return decision.answer
    }

    mutating func initialize(_ id: String, expected: (producerId: Int64, epoch: Int16)? = nil, now: Int64 = 0) throws -> ErrorCode {
        var next = nextProducerId
        defer { nextProducerId = next }
        return apply(try shard.initProducerId(id, timeoutMs: 60_000, expected: expected, now: now) { () throws(BrokerError) -> Int64 in
            next += 1
            return next
        })
    }

    func state(_ id: String) -> TransactionMetadata? { shard.transactions[id] }

    @Test mutating func firstInitCreatesEpochZeroAndEachNextInitBumpsIt() throws {
        #expect(try initialize("tx") == .none)
        let first = try #require(state("tx"))
        #expect(first.producerEpoch == 0 && first.state == .empty)
        #expect(try initialize("tx") == .none)
        #expect(state("tx")?.producerId == first.producerId)
        #expect(state("tx")?.producerEpoch == 1)
    }

    @Test mutating func commitGoesThroughPrepareToComplete() throws {
        _ = try initialize("tx")
        let p = try #require(state("tx"))
        #expect(apply(try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 10)) == .none)
        #expect(state("tx")?.state == .ongoing && state("tx")?.startMs == 10)
        // Adding what is already there writes nothing.
        #expect(try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 11).record == nil)
        _ = apply(try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t1], now: 12))
        #expect(state("tx")?.partitions == [t0, t1])
        let end = try shard.endTransaction("tx", producerId: p.producerId, producerEpoch: 0, commit: true, now: 20)
        #expect(end.completeAfter)
        _ = apply(end)
        #expect(state("tx")?.state == .prepareCommit)
        #expect(shard.preparing == ["tx"])
        // While markers are written the producer must wait.
        #expect(throws: BrokerError(.concurrentTransactions, "")) {
            try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 21)
        }
        let complete = try #require(shard.completion("tx", producerId: p.producerId, producerEpoch: 0, now: 30))
        shard.replay(complete)
        #expect(state("tx")?.state == .completeCommit && state("tx")?.partitions == [] && state("tx")?.startMs == -1)
        // A retried commit is answered OK; an abort now is INVALID_TXN_STATE.
        #expect(try shard.endTransaction("tx", producerId: p.producerId, producerEpoch: 0, commit: true, now: 31).answer == .none)
        #expect(throws: BrokerError(.invalidTxnState, "")) {
            try shard.endTransaction("tx", producerId: p.producerId, producerEpoch: 0, commit: false, now: 31)
        }
    }

    @Test mutating func initDuringAnOpenTransactionFencesAndAbortsIt() throws {
        _ = try initialize("tx")
        let p = try #require(state("tx"))
        _ = apply(try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 1))
        // A new instance: the old transaction is aborted under epoch 1, and it must retry.
        let answer = try initialize("tx", now: 2)
        #expect(answer == .concurrentTransactions)
        #expect(state("tx")?.state == .prepareAbort && state("tx")?.producerEpoch == 1)
        // The old producer is fenced everywhere.
        #expect(throws: BrokerError(.producerFenced, "")) {
            try shard.endTransaction("tx", producerId: p.producerId, producerEpoch: 0, commit: true, now: 3)
        }
        #expect(throws: BrokerError(.concurrentTransactions, "")) { _ = try shard.initProducerId("tx", timeoutMs: 1000, expected: nil, now: 3) { 1 } }
        shard.replay(try #require(shard.completion("tx", producerId: p.producerId, producerEpoch: 1, now: 4)))
        #expect(try initialize("tx", now: 5) == .none)
        #expect(state("tx")?.producerEpoch == 2 && state("tx")?.state == .empty)
    }

    @Test mutating func wrongProducerOrEpochIsRefused() throws {
        _ = try initialize("tx")
        let p = try #require(state("tx"))
        #expect(throws: BrokerError(.invalidProducerIdMapping, "")) {
            try shard.addPartitions("tx", producerId: p.producerId + 1, producerEpoch: 0, partitions: [t0], now: 1)
        }
        #expect(throws: BrokerError(.invalidProducerIdMapping, "")) {
            try shard.addPartitions("unknown", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 1)
        }
        _ = try initialize("tx")
        #expect(throws: BrokerError(.producerFenced, "")) {
            try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 1)
        }
        // A v3+ client re-initializing with a replaced producer id is fenced too.
        #expect(throws: BrokerError(.producerFenced, "")) { _ = try initialize("tx", expected: (p.producerId + 7, 1)) }
        #expect(throws: BrokerError(.invalidTxnState, "")) {
            try shard.endTransaction("tx", producerId: p.producerId, producerEpoch: 1, commit: true, now: 1)
        }
    }

    @Test mutating func exhaustedEpochsMoveToANewProducerId() throws {
        _ = try initialize("tx")
        var metadata = try #require(state("tx"))
        metadata.producerEpoch = Int16.max - 1
        shard.replay(TransactionLogRecord(transactionalId: "tx", metadata: metadata))
        #expect(try initialize("tx") == .none)
        #expect(state("tx")?.producerId != metadata.producerId && state("tx")?.producerEpoch == 0)
    }

    @Test mutating func timedOutTransactionsAreAbortedUnderANewEpoch() throws {
        _ = try initialize("tx")
        let p = try #require(state("tx"))
        _ = apply(try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 1_000))
        #expect(shard.timedOut(now: 61_000).isEmpty)
        #expect(shard.timedOut(now: 61_001) == ["tx"])
        let abort = try #require(shard.abortTimedOut("tx", now: 61_001))
        #expect(abort.completeAfter)
        _ = apply(abort)
        #expect(state("tx")?.state == .prepareAbort && state("tx")?.producerEpoch == 1)
    }

    @Test mutating func verifyOnlyAnswersPerPartitionAndChangesNothing() throws {
        _ = try initialize("tx")
        let p = try #require(state("tx"))
        _ = apply(try shard.addPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0], now: 1))
        let before = shard
        let answers = try shard.verifyPartitions("tx", producerId: p.producerId, producerEpoch: 0, partitions: [t0, t1])
        #expect(answers == [t0: .none, t1: .transactionAbortable])
        #expect(shard == before)
    }

    @Test mutating func idleFinishedIdsExpire() throws {
        _ = try initialize("tx", now: 0)
        #expect(shard.expired(now: 604_800_000).isEmpty)
        let expired = shard.expired(now: 604_800_001)
        #expect(expired == [TransactionLogRecord(transactionalId: "tx", metadata: nil)])
        for record in expired { shard.replay(record) }
        #expect(state("tx") == nil)
    }

    @Test func recordsRoundTripBothValueVersions() throws {
        let metadata = TransactionMetadata(
            producerId: 42, producerEpoch: 3, timeoutMs: 60_000, state: .ongoing, partitions: [t0, t1,
            TopicPartition(topic: "u", partition: 7)], lastUpdateMs: 99, startMs: 90)
        let record = TransactionLogRecord(transactionalId: "tx-é", metadata: metadata)
        #expect(try TransactionLogRecord.decode(key: record.encodeKey(), value: record.encodeValue()) == record)
        let empty = TransactionLogRecord(transactionalId: "e", metadata: TransactionMetadata(
            producerId: 1, producerEpoch: 0, timeoutMs: 1000, state: .empty, lastUpdateMs: 5))
        #expect(try TransactionLogRecord.decode(key: empty.encodeKey(), value: empty.encodeValue()) == empty)
        let tombstone = TransactionLogRecord(transactionalId: "gone", metadata: nil)
        #expect(try TransactionLogRecord.decode(key: tombstone.encodeKey(), value: nil) == tombstone)
        // The first bytes are Kafka's: key version 0, then the id as an int16-length string.
        let key = record.encodeKey()
        #expect(key.getInteger(at: 0, as: Int16.self) == 0)
        #expect(key.getInteger(at: 2, as: Int16.self) == Int16("tx-é".utf8.count))
        var value = try #require(record.encodeValue())
        #expect(value.readInteger(as: Int16.self) == 0)
        #expect(value.readInteger(as: Int64.self) == 42)
    }
}

extension BrokerError: Equatable {
    /// Tests compare codes only.
    public static func == (lhs: BrokerError, rhs: BrokerError) -> Bool { lhs.code == rhs.code }
}

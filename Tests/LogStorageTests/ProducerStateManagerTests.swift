import KafkaProtocol
import Testing
@testable import LogStorage

/// A batch header as a producer would send it; only the producer fields and the size matter.
func producerHeader(
    pid: Int64, epoch: Int16 = 0, seq: Int32, records: Int32 = 1, transactional: Bool = false, control: Bool = false,
    logAppendTime: Int64? = nil
) -> RecordBatchHeader {
    var attributes: Int16 = 0
    if transactional { attributes |= RecordBatchHeader.transactionalFlagMask }
    if control { attributes |= RecordBatchHeader.controlFlagMask }
    if logAppendTime != nil { attributes |= RecordBatchHeader.timestampTypeMask }
    return RecordBatchHeader(
        baseOffset: 0, batchLength: 49, partitionLeaderEpoch: 0, magic: 2, crc: 0, attributes: attributes,
        lastOffsetDelta: records - 1, baseTimestamp: 1_000, maxTimestamp: logAppendTime ?? 1_000,
        producerId: pid, producerEpoch: epoch, baseSequence: seq, recordCount: records)
}

extension ProducerStateManager {
    /// Checks, then (when accepted) records the batch at `offset` the way the append path does.
    @discardableResult
    mutating func appendChecked(_ header: RecordBatchHeader, at offset: Int64, now: Int64 = 5_000, logAppendTime: Int64 = -1) -> ProducerCheck {
        let verdict = check(header)
        if verdict == .append {
            update(with: header, firstOffset: offset, lastOffset: offset + Int64(header.lastOffsetDelta), appendTimeMs: now, logAppendTime: logAppendTime)
        }
        return verdict
    }
}

func errorCode(_ check: ProducerCheck) -> ErrorCode? {
    if case .error(let code, _) = check { return code }
    return nil
}

@Suite("Producer state: sequence and epoch checks")
struct ProducerStateManagerTests {
    @Test("batches without a producer id are always appended and leave no state")
    func nonIdempotent() {
        var state = ProducerStateManager(directory: "/nonexistent")
        // aiokafka sends producer id -1 with base sequence 0: sequences must be ignored.
        for offset in 0..<3 {
            #expect(state.appendChecked(producerHeader(pid: -1, epoch: -1, seq: 0, records: 2), at: Int64(offset) * 2) == .append)
        }
        #expect(state.producerCount == 0)
    }

    @Test("a new producer id starts anywhere; then each batch must follow the last sequence")
    func firstAndNext() {
        var state = ProducerStateManager(directory: "/nonexistent")
        #expect(state.appendChecked(producerHeader(pid: 7, seq: 0, records: 3), at: 0) == .append)
        #expect(state.entry(for: 7)?.lastSequence == 2)
        #expect(state.appendChecked(producerHeader(pid: 7, seq: 3), at: 3) == .append)
        #expect(state.entry(for: 7)?.lastSequence == 3)
        // Kafka accepts any first sequence for a producer it has no state for (expired or retention).
        #expect(state.appendChecked(producerHeader(pid: 8, seq: 42), at: 4) == .append)
        #expect(state.appendChecked(producerHeader(pid: 8, seq: 43), at: 5) == .append)
    }

    @Test("the conformance scenario: [a,b,c] at 0, its replay is a duplicate, d at 3, seq 10 is out of order")
    func conformanceScenario() {
        var state = ProducerStateManager(directory: "/nonexistent")
        #expect(state.appendChecked(producerHeader(pid: 1000, seq: 0, records: 3), at: 0) == .append)
        #expect(state.check(producerHeader(pid: 1000, seq: 0, records: 3)) == .duplicate(firstOffset: 0, lastOffset: 2, logAppendTime: -1))
        #expect(state.appendChecked(producerHeader(pid: 1000, seq: 3), at: 3) == .append)
        #expect(errorCode(state.check(producerHeader(pid: 1000, seq: 10))) == .outOfOrderSequenceNumber)
        #expect(state.entry(for: 1000)?.batches.map(\.firstOffset) == [0, 3])
    }

    @Test("a retry of each of the last five batches answers with its original offsets; older ones are out of order")
    func duplicatesOfLastFive() {
        var state = ProducerStateManager(directory: "/nonexistent")
        // Six batches of two records, interleaved with other producers' data (offsets step by 10).
        for index in 0..<6 {
            let header = producerHeader(pid: 5, seq: Int32(index * 2), records: 2)
            #expect(state.appendChecked(header, at: Int64(index * 10), logAppendTime: 9_000 + Int64(index)) == .append)
        }
        #expect(state.entry(for: 5)?.batches.count == ProducerStateEntry.batchesToRetain)
        for index in 1..<6 {
            let retry = producerHeader(pid: 5, seq: Int32(index * 2), records: 2)
            #expect(state.check(retry) == .duplicate(
                firstOffset: Int64(index * 10), lastOffset: Int64(index * 10 + 1), logAppendTime: 9_000 + Int64(index)))
        }
        #expect(errorCode(state.check(producerHeader(pid: 5, seq: 0, records: 2))) == .outOfOrderSequenceNumber)
        // Same first sequence but a different range is no retry.
        #expect(errorCode(state.check(producerHeader(pid: 5, seq: 10, records: 1))) == .outOfOrderSequenceNumber)
        #expect(state.appendChecked(producerHeader(pid: 5, seq: 12), at: 60) == .append)
    }

    @Test("a gap in sequences is OUT_OF_ORDER_SEQUENCE_NUMBER and changes nothing")
    func gap() {
        var state = ProducerStateManager(directory: "/nonexistent")
        state.appendChecked(producerHeader(pid: 3, seq: 0, records: 5), at: 0)
        let before = state.entry(for: 3)
        #expect(errorCode(state.appendChecked(producerHeader(pid: 3, seq: 6), at: 5)) == .outOfOrderSequenceNumber)
        #expect(errorCode(state.check(producerHeader(pid: 3, seq: 3))) == .outOfOrderSequenceNumber)
        #expect(state.entry(for: 3) == before)
        #expect(state.appendChecked(producerHeader(pid: 3, seq: 5), at: 5) == .append)
    }

    @Test("an epoch below the current one is INVALID_PRODUCER_EPOCH, even for a retry")
    func staleEpoch() {
        var state = ProducerStateManager(directory: "/nonexistent")
        state.appendChecked(producerHeader(pid: 9, epoch: 3, seq: 0), at: 0)
        #expect(errorCode(state.check(producerHeader(pid: 9, epoch: 2, seq: 1))) == .invalidProducerEpoch)
        #expect(errorCode(state.check(producerHeader(pid: 9, epoch: 2, seq: 0))) == .invalidProducerEpoch)
    }

    @Test("a new epoch must start at sequence 0 and forgets the old epoch's batches")
    func epochBump() {
        var state = ProducerStateManager(directory: "/nonexistent")
        state.appendChecked(producerHeader(pid: 4, epoch: 0, seq: 0, records: 2), at: 0)
        state.appendChecked(producerHeader(pid: 4, epoch: 0, seq: 2), at: 2)
        #expect(errorCode(state.check(producerHeader(pid: 4, epoch: 1, seq: 3))) == .outOfOrderSequenceNumber)
        #expect(state.appendChecked(producerHeader(pid: 4, epoch: 1, seq: 0), at: 3) == .append)
        #expect(state.entry(for: 4)?.producerEpoch == 1)
        #expect(state.entry(for: 4)?.batches.count == 1)
        #expect(errorCode(state.check(producerHeader(pid: 4, epoch: 0, seq: 0, records: 2))) == .invalidProducerEpoch)
        #expect(state.check(producerHeader(pid: 4, epoch: 1, seq: 0)) == .duplicate(firstOffset: 3, lastOffset: 3, logAppendTime: -1))
        #expect(state.appendChecked(producerHeader(pid: 4, epoch: 1, seq: 1), at: 4) == .append)
    }

    @Test("sequences wrap from Int32.max to 0, also inside one batch")
    func wraparound() {
        var state = ProducerStateManager(directory: "/nonexistent")
        state.appendChecked(producerHeader(pid: 2, seq: Int32.max - 1, records: 2), at: 0)
        #expect(state.entry(for: 2)?.lastSequence == Int32.max)
        #expect(errorCode(state.check(producerHeader(pid: 2, seq: 1))) == .outOfOrderSequenceNumber)
        // Three records from Int32.max wrap: Int32.max, 0, 1.
        #expect(errorCode(state.appendChecked(producerHeader(pid: 2, seq: Int32.max, records: 3), at: 2)) == .outOfOrderSequenceNumber)
        #expect(state.appendChecked(producerHeader(pid: 2, seq: 0, records: 3), at: 2) == .append)
        #expect(state.entry(for: 2)?.lastSequence == 2)
        state = ProducerStateManager(directory: "/nonexistent")
        state.appendChecked(producerHeader(pid: 2, seq: Int32.max, records: 3), at: 0)
        #expect(state.entry(for: 2)?.lastSequence == 1)
        #expect(state.check(producerHeader(pid: 2, seq: Int32.max, records: 3)) == .duplicate(firstOffset: 0, lastOffset: 2, logAppendTime: -1))
        #expect(state.appendChecked(producerHeader(pid: 2, seq: 2), at: 3) == .append)
    }

    @Test("a LogAppendTime read back from a header is what a retry repeats")
    func logAppendTimeFromHeader() {
        var state = ProducerStateManager(directory: "/nonexistent")
        let stamped = producerHeader(pid: 11, seq: 0, logAppendTime: 1_700_000_000_123)
        state.update(with: stamped, firstOffset: 4, lastOffset: 4, appendTimeMs: 1)
        #expect(state.check(stamped) == .duplicate(firstOffset: 4, lastOffset: 4, logAppendTime: 1_700_000_000_123))
        let created = producerHeader(pid: 12, seq: 0)
        state.update(with: created, firstOffset: 5, lastOffset: 5, appendTimeMs: 1)
        #expect(state.check(created) == .duplicate(firstOffset: 5, lastOffset: 5, logAppendTime: -1))
    }

    @Test("idle producers expire after producer.id.expiration.ms; one with an open transaction does not")
    func expiration() {
        var state = ProducerStateManager(directory: "/nonexistent")
        state.appendChecked(producerHeader(pid: 1, seq: 0), at: 0, now: 1_000)
        state.appendChecked(producerHeader(pid: 2, seq: 0), at: 1, now: 50_000)
        state.appendChecked(producerHeader(pid: 3, seq: 0, transactional: true), at: 2, now: 1_000)
        #expect(state.expire(nowMs: 1_000 + 40_000, producerIdExpirationMs: 40_001) == 0)
        #expect(state.expire(nowMs: 1_000 + 40_000, producerIdExpirationMs: 40_000) == 1)
        #expect(state.entry(for: 1) == nil)
        #expect(state.entry(for: 2) != nil)
        #expect(state.entry(for: 3)?.currentTxnFirstOffset == 2)
        // An expired producer is unknown again: any sequence is accepted.
        #expect(state.check(producerHeader(pid: 1, seq: 77)) == .append)
    }

    @Test("a producer with an open transaction may not write outside it; a marker closes it")
    func transactionState() {
        var state = ProducerStateManager(directory: "/nonexistent")
        state.appendChecked(producerHeader(pid: 6, seq: 0, transactional: true), at: 10)
        #expect(errorCode(state.check(producerHeader(pid: 6, seq: 1))) == .invalidTxnState)
        #expect(state.check(producerHeader(pid: 6, seq: 1, transactional: true)) == .append)
        // Markers have no sequence; only a fenced epoch is refused.
        let marker = producerHeader(pid: 6, seq: -1, control: true)
        #expect(state.check(marker) == .append)
        #expect(errorCode(state.check(producerHeader(pid: 6, epoch: -1, seq: -1, control: true))) == .invalidProducerEpoch)
        state.update(with: marker, firstOffset: 11, lastOffset: 11, appendTimeMs: 6_000)
        #expect(state.entry(for: 6)?.currentTxnFirstOffset == nil)
        #expect(state.check(producerHeader(pid: 6, seq: 1)) == .append)
    }
}

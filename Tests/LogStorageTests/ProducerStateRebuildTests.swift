import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

/// Segments written directly, so rebuild is tested without PartitionLog.
final class SegmentFixture {
    let dir = TestDirectory()
    var segments: [LogSegment] = []
    var nextOffset: Int64 = 0
    /// Maintained by the append path, to compare the rebuilt state with.
    var live: ProducerStateManager

    init() throws {
        live = ProducerStateManager(directory: dir.path)
        try roll()
    }

    func roll() throws {
        segments.append(try LogSegment.create(dir: dir.path, baseOffset: nextOffset, config: LogConfig(), io: PosixFileIO()))
    }

    /// Appends one batch of `records` records (producer id -1 for a plain producer).
    func append(pid: Int64, epoch: Int16 = 0, seq: Int32 = -1, records: Int) throws {
        var builder = RecordBatchBuilder(baseOffset: nextOffset, producerId: pid, producerEpoch: pid >= 0 ? epoch : -1, baseSequence: seq)
        for index in 0..<records { builder.append(key: nil, value: "v\(index)", timestamp: 1_000) }
        let batch = try builder.build()
        let header = try #require(RecordBatchHeader(buffer: batch, at: batch.readerIndex))
        #expect(live.check(header) == .append)
        try segments[segments.count - 1].append(batch, nowMs: 0, indexIntervalBytes: 4096)
        live.update(with: header, firstOffset: nextOffset, lastOffset: header.lastOffset, appendTimeMs: 50_000)
        nextOffset = header.lastOffset + 1
    }
}

@Suite("Producer state: rebuild from snapshot plus log")
struct ProducerStateRebuildTests {
    /// Batch ranges are compared; timestamps differ by design (replay counts from `nowMs`).
    func ranges(_ state: ProducerStateManager) -> [Int64: [ProducerBatchMetadata]] {
        state.producers.mapValues(\.batches)
    }

    @Test("snapshot at a roll plus replay of the later segments gives the live state")
    func snapshotPlusReplay() throws {
        let log = try SegmentFixture()
        try log.append(pid: 1, seq: 0, records: 3)
        try log.append(pid: -1, records: 2)
        try log.append(pid: 2, seq: 0, records: 1)
        try log.live.writeSnapshot(offset: log.nextOffset, sync: false)
        try log.roll()
        try log.append(pid: 1, seq: 3, records: 2)
        try log.append(pid: 3, epoch: 2, seq: 40, records: 2)
        try log.roll()
        try log.append(pid: 2, seq: 1, records: 4)
        try log.append(pid: -1, records: 1)

        var rebuilt = ProducerStateManager(directory: log.dir.path)
        let load = try rebuilt.rebuild(segments: log.segments, logStartOffset: 0, logEndOffset: log.nextOffset, nowMs: 60_000)
        #expect(load == ProducerStateLoad(snapshotOffset: 6, replayedBatches: 3))
        #expect(ranges(rebuilt) == ranges(log.live))
        #expect(rebuilt.check(producerHeader(pid: 2, seq: 1, records: 4)) == .duplicate(firstOffset: 10, lastOffset: 13, logAppendTime: -1))
        #expect(rebuilt.entry(for: 2)?.lastTimestamp == 60_000)
    }

    @Test("without a snapshot the whole log is replayed")
    func fullReplay() throws {
        let log = try SegmentFixture()
        for seq in 0..<4 {
            try log.append(pid: 8, seq: Int32(seq * 2), records: 2)
            if seq == 1 { try log.roll() }
        }
        var rebuilt = ProducerStateManager(directory: log.dir.path)
        let load = try rebuilt.rebuild(segments: log.segments, logStartOffset: 0, logEndOffset: log.nextOffset, nowMs: 0)
        #expect(load.snapshotOffset == nil)
        #expect(load.replayedBatches == 4)
        #expect(ranges(rebuilt) == ranges(log.live))
    }

    @Test("a snapshot in the middle of a segment replays only the batches after it")
    func snapshotMidSegment() throws {
        let log = try SegmentFixture()
        try log.append(pid: 4, seq: 0, records: 1)
        try log.append(pid: 4, seq: 1, records: 1)
        try log.live.writeSnapshot(offset: log.nextOffset, sync: true)
        try log.append(pid: 4, seq: 2, records: 1)
        var rebuilt = ProducerStateManager(directory: log.dir.path)
        let load = try rebuilt.rebuild(segments: log.segments, logStartOffset: 0, logEndOffset: log.nextOffset, nowMs: 0)
        #expect(load == ProducerStateLoad(snapshotOffset: 2, replayedBatches: 1))
        #expect(rebuilt.entry(for: 4)?.batches.map(\.firstSequence) == [0, 1, 2])
    }

    @Test("truncation: snapshots above the new end go, and the state is what it was at that offset")
    func truncation() throws {
        let log = try SegmentFixture()
        try log.append(pid: 1, seq: 0, records: 2)
        try log.live.writeSnapshot(offset: log.nextOffset, sync: false)
        let atTwo = ranges(log.live)
        try log.append(pid: 1, seq: 2, records: 2)
        try log.append(pid: 5, seq: 0, records: 1)
        try log.live.writeSnapshot(offset: log.nextOffset, sync: false)

        var state = log.live
        try state.deleteSnapshots(above: 2)
        try state.rebuild(segments: log.segments, logStartOffset: 0, logEndOffset: 2, nowMs: 0)
        #expect(ranges(state) == atTwo)
        #expect(state.snapshotOffsets == [2])
        // Truncated to 4: snapshot at 2 plus the batch [2, 3]; producer 5 (offset 4) is gone.
        try state.rebuild(segments: log.segments, logStartOffset: 0, logEndOffset: 4, nowMs: 0)
        #expect(state.entry(for: 1)?.lastSequence == 3)
        #expect(state.entry(for: 5) == nil)
    }
}

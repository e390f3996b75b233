import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

@Suite("Producer state: snapshot files")
struct ProducerStateSnapshotTests {
    /// Three producers: one with five batches after an epoch bump, one in a transaction, one plain.
    func populated(_ directory: String) -> ProducerStateManager {
        var state = ProducerStateManager(directory: directory)
        state.appendChecked(producerHeader(pid: 1, epoch: 0, seq: 0, records: 2), at: 0)
        for index in 0..<6 {
            state.appendChecked(producerHeader(pid: 1, epoch: 1, seq: Int32(index * 3), records: 3), at: 2 + Int64(index) * 3, logAppendTime: 777)
        }
        state.appendChecked(producerHeader(pid: 2, seq: 0, transactional: true), at: 20, now: 1)
        state.appendChecked(producerHeader(pid: 3, seq: 9, records: 4), at: 21, now: 9_999)
        return state
    }

    func fileNames(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test("a snapshot reads back exactly, under Kafka's file name")
    func roundTrip() throws {
        let dir = TestDirectory()
        var state = populated(dir.path)
        #expect(try state.writeSnapshot(offset: 25, sync: true))
        #expect(fileNames(dir.path) == ["00000000000000000025.snapshot"])
        #expect(try state.writeSnapshot(offset: 25, sync: true) == false)

        var loaded = ProducerStateManager(directory: dir.path)
        let from = try loaded.reload(logStartOffset: 0, logEndOffset: 25, nowMs: 10_000)
        #expect(from == 25)
        #expect(loaded.producers == state.producers)
        #expect(loaded.entry(for: 1)?.batches.count == 5)
        #expect(loaded.entry(for: 2)?.currentTxnFirstOffset == 20)
        // Dedup survives: a retry of the newest batch gets its original offsets.
        #expect(loaded.check(producerHeader(pid: 1, epoch: 1, seq: 15, records: 3)) == .duplicate(firstOffset: 17, lastOffset: 19, logAppendTime: 777))
        #expect(loaded.check(producerHeader(pid: 3, seq: 13)) == .append)
    }

    @Test("the encoding is canonical: the same state gives the same bytes")
    func deterministic() {
        let a = ProducerSnapshotFile.encode(populated("/x").producers)
        let b = ProducerSnapshotFile.encode(populated("/y").producers)
        #expect(a == b)
        #expect(ProducerSnapshotFile.encode([:]).readableBytes == ProducerSnapshotFile.headerSize)
    }

    @Test("reload takes the newest snapshot at or below the log end and deletes those above or below the log start")
    func reloadRange() throws {
        let dir = TestDirectory()
        var state = ProducerStateManager(directory: dir.path)
        for offset: Int64 in [5, 10, 20, 30] {
            state.appendChecked(producerHeader(pid: offset, seq: 0), at: offset - 1)
            try state.writeSnapshot(offset: offset, sync: false)
        }
        var loaded = ProducerStateManager(directory: dir.path)
        #expect(try loaded.reload(logStartOffset: 7, logEndOffset: 25, nowMs: 5_000) == 20)
        #expect(Set(loaded.producers.keys) == [5, 10, 20])
        #expect(loaded.snapshotOffsets == [10, 20])
        #expect(fileNames(dir.path) == ["00000000000000000010.snapshot", "00000000000000000020.snapshot"])
    }

    @Test("a corrupt or torn snapshot is deleted and the previous one used")
    func corruptFallsBack() throws {
        let dir = TestDirectory()
        var state = ProducerStateManager(directory: dir.path)
        state.appendChecked(producerHeader(pid: 1, seq: 0), at: 0)
        try state.writeSnapshot(offset: 1, sync: true)
        state.appendChecked(producerHeader(pid: 2, seq: 0), at: 1)
        try state.writeSnapshot(offset: 2, sync: true)
        state.appendChecked(producerHeader(pid: 3, seq: 0), at: 2)
        try state.writeSnapshot(offset: 3, sync: true)

        // Flip one byte of the newest; cut the middle one in half.
        let newest = ProducerSnapshotFile.path(dir.path, 3)
        var bytes = try #require(FileManager.default.contents(atPath: newest))
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: newest))
        let middle = ProducerSnapshotFile.path(dir.path, 2)
        let half = try #require(FileManager.default.contents(atPath: middle))
        try half.prefix(half.count / 2).write(to: URL(fileURLWithPath: middle))

        var loaded = ProducerStateManager(directory: dir.path)
        #expect(try loaded.reload(logStartOffset: 0, logEndOffset: 3, nowMs: 5_000) == 1)
        #expect(Set(loaded.producers.keys) == [1])
        #expect(fileNames(dir.path) == ["00000000000000000001.snapshot"])
    }

    @Test("decoding rejects lengths that do not add up before allocating")
    func decodeChecksLengths() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(ProducerSnapshotFile.magic)
        buffer.writeInteger(ProducerSnapshotFile.version)
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(Int32.max)
        let crc = CRC32C.checksum(buffer, at: ProducerSnapshotFile.countOffset, length: 4)
        buffer.setInteger(crc, at: ProducerSnapshotFile.crcOffset)
        #expect(throws: StorageError.self) { try ProducerSnapshotFile.decode(buffer, path: "x") }
    }

    @Test("no snapshot: empty state, replay from the log start")
    func noSnapshot() throws {
        let dir = TestDirectory()
        var loaded = ProducerStateManager(directory: dir.path)
        #expect(try loaded.reload(logStartOffset: 12, logEndOffset: 40, nowMs: 0) == 12)
        #expect(loaded.producerCount == 0)
    }

    @Test("producers already expired are not loaded")
    func expiredNotLoaded() throws {
        let dir = TestDirectory()
        var state = ProducerStateManager(directory: dir.path)
        state.appendChecked(producerHeader(pid: 1, seq: 0), at: 0, now: 1_000)
        state.appendChecked(producerHeader(pid: 2, seq: 0), at: 1, now: 90_000)
        try state.writeSnapshot(offset: 2, sync: false)
        var loaded = ProducerStateManager(directory: dir.path)
        _ = try loaded.reload(logStartOffset: 0, logEndOffset: 2, nowMs: 100_000, producerIdExpirationMs: 50_000)
        #expect(Set(loaded.producers.keys) == [2])
    }

    @Test("snapshots below a new log start and above a truncation point are deleted")
    func deleteBelowAndAbove() throws {
        let dir = TestDirectory()
        var state = ProducerStateManager(directory: dir.path)
        for offset: Int64 in [10, 20, 30, 40] { try state.writeSnapshot(offset: offset, sync: false) }
        try state.deleteSnapshots(below: 20)
        #expect(state.snapshotOffsets == [20, 30, 40])
        try state.deleteSnapshots(above: 30)
        #expect(state.snapshotOffsets == [20, 30])
        #expect(fileNames(dir.path) == ["00000000000000000020.snapshot", "00000000000000000030.snapshot"])
        try state.deleteAllSnapshots()
        #expect(fileNames(dir.path).isEmpty)
    }
}

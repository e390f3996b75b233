import Foundation
import KafkaProtocol
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The producer snapshot file `<20-digit offset>.snapshot` (Kafka's name; our own format): the
/// producer map as it was after every batch below that offset.
///
/// ```
/// magic u32 "PSNP" | version i16 (1) | crc u32 | count i32 | count × entry
/// entry: producerId i64 | epoch i16 | coordinatorEpoch i32 | lastTimestamp i64 |
///        txnFirstOffset i64 (-1: none) | batchCount i8 | batchCount × batch
/// batch: firstSeq i32 | lastSeq i32 | firstOffset i64 | lastOffset i64 | logAppendTime i64
/// ```
/// The CRC-32C covers everything after itself, so a torn or stale file is detected and skipped.
/// Unlike Kafka, all five retained batches are kept, so retries are still recognised after a restart.
enum ProducerSnapshotFile {
    static let suffix = ".snapshot"
    static let magic: UInt32 = 0x5053_4E50
    static let version: Int16 = 1
    static let crcOffset = 6
    static let countOffset = 10
    static let headerSize = 14
    static let entrySize = 31
    static let batchSize = 32

    static func path(_ directory: String, _ offset: Int64) -> String {
        "\(directory)/\(LogFileNames.baseName(offset))\(suffix)"
    }

    static func encode(_ producers: [Int64: ProducerStateEntry]) -> ByteBuffer {
        let batches = producers.values.reduce(0) { $0 + $1.batches.count }
        var buffer = ByteBufferAllocator().buffer(capacity: headerSize + producers.count * entrySize + batches * batchSize)
        buffer.writeInteger(magic)
        buffer.writeInteger(version)
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(Int32(producers.count))
        // Sorted, so the same state always gives the same bytes.
        for entry in producers.values.sorted(by: { $0.producerId < $1.producerId }) {
            buffer.writeInteger(entry.producerId)
            buffer.writeInteger(entry.producerEpoch)
            buffer.writeInteger(entry.coordinatorEpoch)
            buffer.writeInteger(entry.lastTimestamp)
            buffer.writeInteger(entry.currentTxnFirstOffset ?? -1)
            buffer.writeInteger(Int8(entry.batches.count))
            for batch in entry.batches {
                buffer.writeInteger(batch.firstSequence)
                buffer.writeInteger(batch.lastSequence)
                buffer.writeInteger(batch.firstOffset)
                buffer.writeInteger(batch.lastOffset)
                buffer.writeInteger(batch.logAppendTime)
            }
        }
        let crc = CRC32C.checksum(buffer, at: countOffset, length: buffer.writerIndex - countOffset)
        buffer.setInteger(crc, at: crcOffset)
        return buffer
    }

    /// Parses a snapshot; any inconsistency (magic, version, CRC, lengths) is a corrupt file.
    static func decode(_ bytes: ByteBuffer, path: String) throws(StorageError) -> [ProducerStateEntry] {
        var buffer = bytes
        let corrupt = { (why: String) in StorageError(.corruptMessage, "producer snapshot \(path) is corrupt: \(why)") }
        guard buffer.readableBytes >= headerSize,
              let fileMagic = buffer.readInteger(as: UInt32.self), fileMagic == magic,
              let fileVersion = buffer.readInteger(as: Int16.self), fileVersion == version,
              let crc = buffer.readInteger(as: UInt32.self)
        else { throw corrupt("bad header") }
        guard CRC32C.checksum(buffer, at: buffer.readerIndex, length: buffer.readableBytes) == crc else {
            throw corrupt("CRC mismatch")
        }
        guard let count = buffer.readInteger(as: Int32.self), count >= 0,
              Int(count) <= buffer.readableBytes / entrySize
        else { throw corrupt("bad producer count") }
        var entries: [ProducerStateEntry] = []
        entries.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let producerId = buffer.readInteger(as: Int64.self), producerId >= 0,
                  let epoch = buffer.readInteger(as: Int16.self),
                  let coordinatorEpoch = buffer.readInteger(as: Int32.self),
                  let lastTimestamp = buffer.readInteger(as: Int64.self),
                  let txnFirstOffset = buffer.readInteger(as: Int64.self),
                  let batchCount = buffer.readInteger(as: Int8.self),
                  batchCount >= 0, Int(batchCount) <= ProducerStateEntry.batchesToRetain,
                  buffer.readableBytes >= Int(batchCount) * batchSize
            else { throw corrupt("truncated producer entry") }
            var batches: [ProducerBatchMetadata] = []
            batches.reserveCapacity(ProducerStateEntry.batchesToRetain)
            for _ in 0..<batchCount {
                guard let firstSeq = buffer.readInteger(as: Int32.self),
                      let lastSeq = buffer.readInteger(as: Int32.self),
                      let firstOffset = buffer.readInteger(as: Int64.self),
                      let lastOffset = buffer.readInteger(as: Int64.self),
                      let logAppendTime = buffer.readInteger(as: Int64.self)
                else { throw corrupt("truncated batch") }
                batches.append(ProducerBatchMetadata(
                    firstSequence: firstSeq, lastSequence: lastSeq, firstOffset: firstOffset,
                    lastOffset: lastOffset, logAppendTime: logAppendTime))
            }
            entries.append(ProducerStateEntry(
                producerId: producerId, producerEpoch: epoch, coordinatorEpoch: coordinatorEpoch,
                lastTimestamp: lastTimestamp, currentTxnFirstOffset: txnFirstOffset >= 0 ? txnFirstOffset : nil,
                batches: batches))
        }
        guard buffer.readableBytes == 0 else { throw corrupt("\(buffer.readableBytes) trailing bytes") }
        return entries
    }

    /// Writes through a temp file and a rename, so the name only ever points at a whole file.
    /// Without `sync` nothing is fsynced (a roll must not wait on the disk under the partition
    /// lock); a file torn by a power loss then fails its CRC and an older snapshot is used.
    static func write(_ bytes: ByteBuffer, to path: String, sync: Bool, io: any LogFileIO) throws(StorageError) {
        let temp = path + ".tmp"
        let fd = Posix.open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path: temp, errno: errno) }
        var failure: StorageError?
        bytes.withUnsafeReadableBytes { raw in
            var done = 0
            while done < raw.count {
                let (count, code) = io.pwrite(fd, UnsafeRawBufferPointer(rebasing: raw[done...]), at: Int64(done))
                if count <= 0 {
                    failure = .io("write", path: temp, errno: count < 0 ? code : EIO)
                    return
                }
                done += count
            }
        }
        if failure == nil, sync {
            let code = io.fsync(fd)
            if code != 0 { failure = .io("fsync", path: temp, errno: code) }
        }
        Posix.closeDescriptor(fd)
        if let failure {
            try? Posix.remove(temp)
            throw failure
        }
        try Posix.rename(temp, path)
        if sync { Posix.syncDirectory(Posix.parent(of: path)) }
    }

    static func read(_ path: String) throws(StorageError) -> ByteBuffer {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StorageError(.kafkaStorageError, "cannot read producer snapshot \(path)")
        }
        return ByteBuffer(bytes: data)
    }

    /// Offsets of the snapshot files in `directory`, ascending.
    static func list(_ directory: String) throws(StorageError) -> [Int64] {
        try Posix.list(directory).compactMap { LogFileNames.baseOffset(of: $0, suffix: suffix) }.sorted()
    }
}

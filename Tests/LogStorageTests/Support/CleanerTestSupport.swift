import Foundation
import KafkaProtocol
import Logging
import NIOCore
import Testing
@testable import LogStorage

/// One record as read back from a log.
struct StoredRecord: Equatable, CustomStringConvertible {
    var offset: Int64
    var key: String?
    var value: String?
    var timestamp: Int64

    var description: String { "\(offset):\(key ?? "nil")=\(value ?? "nil")" }
}

/// A key/value pair to write; a nil value is a tombstone.
struct KV {
    var key: String?
    var value: String?
    init(_ key: String?, _ value: String?) {
        self.key = key
        self.value = value
    }
}

/// Builds one batch of keyed records.
func keyedBatch(
    _ records: [KV], timestamp: Int64 = 1_000, compression: CompressionCodec = .none, producerId: Int64 = -1,
    producerEpoch: Int16 = -1, baseSequence: Int32 = -1, transactional: Bool = false
) throws -> ByteBuffer {
    var builder = RecordBatchBuilder(
        compression: compression, producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence,
        isTransactional: transactional)
    for (index, record) in records.enumerated() {
        builder.append(
            key: record.key.map { ByteBuffer(string: $0) }, value: record.value.map { ByteBuffer(string: $0) },
            timestamp: timestamp + Int64(index))
    }
    return try builder.build()
}

extension PartitionLog {
    /// Appends keyed records as one batch (leader, epoch 0) and moves the high watermark to the end.
    @discardableResult
    func appendKeyed(
        _ records: [KV], timestamp: Int64 = 1_000, compression: CompressionCodec = .none, producerId: Int64 = -1,
        producerEpoch: Int16 = -1, baseSequence: Int32 = -1, transactional: Bool = false
    ) throws -> AppendResult {
        let batch = try keyedBatch(
            records, timestamp: timestamp, compression: compression, producerId: producerId, producerEpoch: producerEpoch,
            baseSequence: baseSequence, transactional: transactional)
        let result = try append(batch, leaderEpoch: 0, logAppendTime: nil)
        updateHighWatermark(logEndOffset)
        return result
    }

    /// Appends a transaction marker for `producerId`.
    func appendMarker(_ type: ControlRecordType, producerId: Int64, producerEpoch: Int16, timestamp: Int64 = 1_000) throws {
        let marker = try RecordBatchBuilder.endTransactionMarker(
            type, producerId: producerId, producerEpoch: producerEpoch, coordinatorEpoch: 0, timestamp: timestamp)
        _ = try append(marker, leaderEpoch: 0, logAppendTime: nil)
        updateHighWatermark(logEndOffset)
    }

    /// Every batch and its decoded records, from the log start to the log end.
    func storedBatches() throws -> [(header: RecordBatchHeader, records: [StoredRecord])] {
        var out: [(RecordBatchHeader, [StoredRecord])] = []
        var next = logStartOffset
        while next < logEndOffset {
            let result = try read(from: next, maxBytes: 1 << 20, maxOffset: logEndOffset, minOneBatch: true)
            guard !result.isEmpty else { break }
            var iterator = RecordBatchIterator(try result.readBytes())
            var last = next
            while let batch = iterator.next() {
                #expect(RecordBatch.crcIsValid(in: batch.bytes, at: batch.bytes.readerIndex), "CRC of batch \(batch.header.baseOffset)")
                var records: [StoredRecord] = []
                var recordIterator = try batch.recordIterator(maxBytes: 64 << 20)
                while let record = try recordIterator.next() {
                    records.append(StoredRecord(
                        offset: record.offset(in: batch.header), key: record.key.map { String(buffer: $0) },
                        value: record.value.map { String(buffer: $0) }, timestamp: record.timestamp(in: batch.header)))
                }
                out.append((batch.header, records))
                last = batch.header.lastOffset + 1
            }
            next = last
        }
        return out
    }

    func storedRecords() throws -> [StoredRecord] {
        try storedBatches().filter { !$0.header.isControl }.flatMap(\.records).filter { $0.offset >= logStartOffset }
    }
}

/// The latest record per key among `records` (what compaction must keep), in offset order.
func latestPerKey(_ records: [StoredRecord]) -> [StoredRecord] {
    var latest: [String: StoredRecord] = [:]
    for record in records { if let key = record.key { latest[key] = record } }
    return latest.values.sorted { $0.offset < $1.offset }
}

/// A log config for compaction tests: small segments, compaction on, every dirty byte counts.
func compactedConfig(segmentBytes: Int = 1024) -> LogConfig {
    var config = LogConfig()
    config.segmentBytes = segmentBytes
    config.indexIntervalBytes = 128
    config.cleanupPolicy = .compact
    config.minCleanableDirtyRatio = 0
    config.deleteRetentionMs = 1_000
    config.fileDeleteDelayMs = 0
    return config
}

/// A cleaner over the given logs, run with `cleanOnce()` on the test's thread.
func makeCleaner(
    _ logs: [PartitionLog], clock: any LogClock = SystemLogClock(), dedupeBytes: Int = 1 << 20, ioBytesPerSecond: Double = .greatestFiniteMagnitude,
    dataDir: String
) -> LogCleaner {
    var config = LogCleanerConfig()
    config.dedupeBufferSize = dedupeBytes
    config.maxIOBytesPerSecond = ioBytesPerSecond
    config.ioBufferSize = 64 * 1024
    let entries = Dictionary(uniqueKeysWithValues: logs.map { (TopicPartition(topic: $0.topic, partition: $0.partition), (log: $0, dataDir: dataDir)) })
    return LogCleaner(config: config, dataDirs: [dataDir], logs: { entries }, clock: clock, logger: quietLogger)
}

/// Waits (bounded) for `condition`; false if it never held.
func eventually(timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}

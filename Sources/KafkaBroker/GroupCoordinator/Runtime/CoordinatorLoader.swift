import KafkaProtocol
import LogStorage
import Logging
import NIOCore

/// Rebuilds a shard by replaying its `__consumer_offsets` partition from the log start to the
/// log end (Kafka's CoordinatorLoaderImpl): data records go to `replay`, transaction markers
/// to `replayEndTransactionMarker`. Record types this build does not know are skipped with a
/// warning; a record that does not decode fails the load, as in Kafka.
enum CoordinatorLoader {
    struct Summary: Sendable, Equatable {
        var batches = 0
        var records = 0
        var bytes = 0
        var skippedRecords = 0
        /// The offset after the last batch replayed.
        var nextOffset: Int64 = 0
    }

    /// Decompressed batches larger than this are refused (our own batches are uncompressed).
    static let maxUncompressedBatchBytes = 256 * 1024 * 1024

    static func load(
        _ log: PartitionLog, into shard: inout GroupCoordinatorShard, bufferBytes: Int, logger: Logger
    ) throws(BrokerError) -> Summary {
        var summary = Summary()
        var offset = log.logStartOffset
        let end = log.logEndOffset
        summary.nextOffset = offset
        while offset < end {
            let bytes: ByteBuffer
            do {
                let read = try log.read(from: offset, maxBytes: bufferBytes, maxOffset: end, minOneBatch: true)
                if read.isEmpty { break }
                bytes = try read.readBytes()
            } catch {
                throw BrokerError(error)
            }
            var batches = RecordBatchIterator(bytes)
            let before = offset
            while let batch = batches.next() {
                try replay(batch, into: &shard, summary: &summary, logger: logger)
                offset = batch.header.lastOffset + 1
                summary.batches += 1
                summary.bytes += batch.bytes.readableBytes
            }
            if let stop = batches.stop {
                throw BrokerError(.corruptMessage, "\(log.topic)-\(log.partition) is unreadable after offset \(offset): \(stop)")
            }
            // Reads return whole batches at or after `offset`; no progress means the end.
            if offset == before { break }
        }
        summary.nextOffset = offset
        return summary
    }

    private static func replay(
        _ batch: RecordBatchView, into shard: inout GroupCoordinatorShard, summary: inout Summary, logger: Logger
    ) throws(BrokerError) {
        let header = batch.header
        do {
            var records = try batch.recordIterator(maxBytes: maxUncompressedBatchBytes)
            while let record = try records.next() {
                if header.isControl {
                    switch record.controlType {
                    case .commit: shard.replayEndTransactionMarker(producerId: header.producerId, committed: true)
                    case .abort: shard.replayEndTransactionMarker(producerId: header.producerId, committed: false)
                    case nil: break
                    }
                    continue
                }
                summary.records += 1
                guard let key = record.key else {
                    throw BrokerError(.corruptMessage, "record at offset \(record.offset(in: header)) has no key")
                }
                switch try CoordinatorRecordSerde.decode(key: key, value: record.value) {
                case .record(let decoded):
                    shard.replay(decoded, offset: record.offset(in: header), producerId: header.producerId)
                case .unhandled(let type):
                    summary.skippedRecords += 1
                    logger.warning("skipping a coordinator record type this broker does not handle", metadata: [
                        "record_type": "\(type)", "offset": "\(record.offset(in: header))",
                        "partition": "\(shard.partitionIndex)",
                    ])
                }
            }
        } catch let error as BrokerError {
            throw error
        } catch {
            throw BrokerError(.corruptMessage, "batch at offset \(header.baseOffset) of \(GroupCoordinatorConfig.topicName)-\(shard.partitionIndex) does not decode: \(error)")
        }
    }
}

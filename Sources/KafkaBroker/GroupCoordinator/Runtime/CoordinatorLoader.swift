import KafkaProtocol
import LogStorage
import Logging

/// Rebuilds a shard by replaying its `__consumer_offsets` partition from the log start to the
/// log end (Kafka's CoordinatorLoaderImpl): data records go to `replay`, transaction markers
/// to `replayEndTransactionMarker`. Record types this build does not know are skipped with a
/// warning; a record that does not decode fails the load, as in Kafka.
enum CoordinatorLoader {
    struct Summary: Sendable, Equatable {
        var batches = 0
        var records = 0
        var skippedRecords = 0
        /// The offset after the last batch replayed.
        var nextOffset: Int64 = 0
    }

    static func load(
        _ log: PartitionLog, into shard: inout GroupCoordinatorShard, bufferBytes: Int, logger: Logger
    ) throws(BrokerError) -> Summary {
        var skipped = 0
        let replayed = try LogReplay.forEachRecord(in: log, bufferBytes: bufferBytes) { header, record throws(BrokerError) in
            if header.isControl {
                if let type = record.controlType {
                    shard.replayEndTransactionMarker(producerId: header.producerId, committed: type == .commit)
                }
                return
            }
            guard let key = record.key else {
                throw BrokerError(.corruptMessage, "record at offset \(record.offset(in: header)) has no key")
            }
            let decoded: DecodedCoordinatorRecord
            do {
                decoded = try CoordinatorRecordSerde.decode(key: key, value: record.value)
            } catch {
                throw BrokerError(.corruptMessage, "record at offset \(record.offset(in: header)) of \(log.topic)-\(log.partition) does not decode: \(error)")
            }
            switch decoded {
            case .record(let decoded):
                shard.replay(decoded, offset: record.offset(in: header), producerId: header.producerId)
            case .unhandled(let type):
                skipped += 1
                logger.warning("skipping a coordinator record type this broker does not handle", metadata: [
                    "record_type": "\(type)", "offset": "\(record.offset(in: header))", "partition": "\(shard.partitionIndex)",
                ])
            }
        }
        // Control records (markers) are not coordinator records.
        return Summary(
            batches: replayed.batches, records: replayed.records - replayed.controlRecords, skippedRecords: skipped,
            nextOffset: replayed.nextOffset)
    }
}

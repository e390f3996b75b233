import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Synchronization

/// Runs one shard against its `__consumer_offsets` partition. One lock per shard serializes
/// that shard's operations; shards never share a lock, and the produce path takes none of them.
///
/// A write holds the lock across compute → append → replay, so records reach the log in the
/// order their state changes are applied, and a failed append changes nothing. The append is a
/// page-cache write (LogStorage groups fsyncs), as for a produce with acks=1 on one broker;
/// the response goes out after it, like Kafka answering once its write is committed.
final class CoordinatorShardRuntime: Sendable {
    typealias Status = CoordinatorStatus

    private struct Slot: Sendable {
        var status: Status = .loading
        var shard: GroupCoordinatorShard
    }

    let partition: Partition
    private let slot: Mutex<Slot>
    private let logger: Logger

    init(partition: Partition, config: GroupCoordinatorConfig, logger: Logger) {
        self.partition = partition
        self.slot = Mutex(Slot(shard: GroupCoordinatorShard(partitionIndex: partition.index, config: config)))
        var logger = logger
        logger[metadataKey: "coordinator_partition"] = "\(partition.index)"
        self.logger = logger
    }

    var status: Status { slot.withLock { $0.status } }

    /// Replays the partition's log into a fresh shard. Holding the lock keeps requests out
    /// until the state is complete; they see COORDINATOR_LOAD_IN_PROGRESS meanwhile only if
    /// loading ever moves off the start path.
    func load(bufferBytes: Int) -> CoordinatorLoader.Summary? {
        slot.withLock { slot in
            var shard = GroupCoordinatorShard(partitionIndex: slot.shard.partitionIndex, config: slot.shard.config)
            do throws(BrokerError) {
                let summary = try CoordinatorLoader.load(partition.log, into: &shard, bufferBytes: bufferBytes, logger: logger)
                slot.shard = shard
                slot.status = .active
                return summary
            } catch {
                logger.error("cannot load group coordinator state", metadata: ["error": "\(error)"])
                slot.status = .failed(error.message)
                return nil
            }
        }
    }

    /// A read-only operation on the loaded state.
    func read<Result: Sendable>(_ operation: (GroupCoordinatorShard) throws(BrokerError) -> Result) throws(BrokerError) -> Result {
        try slot.withLock { slot throws(BrokerError) -> Result in
            try slot.status.requireActive()
            return try operation(slot.shard)
        }
    }

    /// A write: computes the result, appends its records as one batch, replays them at their
    /// offsets, and returns the response. Nothing changes when the append fails.
    /// With `transaction`, the records join that producer's transaction (TxnOffsetCommit).
    func write<Response: Sendable>(
        now: Int64, transaction: ProducerIdAndEpoch? = nil,
        _ operation: (GroupCoordinatorShard) throws(BrokerError) -> CoordinatorResult<Response>
    ) throws(BrokerError) -> Response {
        try slot.withLock { slot throws(BrokerError) -> Response in
            try slot.status.requireActive()
            let result = try operation(slot.shard)
            guard !result.records.isEmpty else { return result.response }
            var batch = try CoordinatorRecordBatch.build(
                result.records, timestamp: now, transaction: transaction, allocator: ByteBufferAllocator())
            let appended = try append(&batch)
            for (index, record) in result.records.enumerated() {
                slot.shard.replay(record, offset: appended.firstOffset + Int64(index), producerId: transaction?.producerId ?? -1)
            }
            return result.response
        }
    }

    /// Ends a transaction on this partition: its marker goes into the log, then its pending
    /// offsets are committed or dropped (Kafka's GroupCoordinator.onTransactionCompleted).
    func writeTransactionMarker(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, now: Int64
    ) throws(BrokerError) {
        try slot.withLock { slot throws(BrokerError) in
            try slot.status.requireActive()
            var marker: ByteBuffer
            do {
                marker = try RecordBatchBuilder.endTransactionMarker(
                    commit ? .commit : .abort, producerId: transaction.producerId, producerEpoch: transaction.epoch,
                    coordinatorEpoch: coordinatorEpoch, timestamp: now)
            } catch {
                throw BrokerError(.unknownServerError, "cannot build a transaction marker: \(error)")
            }
            _ = try append(&marker)
            slot.shard.replayEndTransactionMarker(producerId: transaction.producerId, committed: commit)
        }
    }

    private func append(_ batch: inout ByteBuffer) throws(BrokerError) -> AppendResult {
        do throws(StorageError) {
            return try partition.appendAsLeader(&batch, logAppendTime: nil, origin: .coordinator)
        } catch {
            logger.warning("cannot append coordinator records", metadata: ["error": "\(error)"])
            throw BrokerError(CoordinatorStatus.coordinatorError(for: error.code), error.message)
        }
    }
}

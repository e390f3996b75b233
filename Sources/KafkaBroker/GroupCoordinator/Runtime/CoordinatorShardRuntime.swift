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
    enum Status: Sendable, Equatable {
        case loading
        case active
        case failed(String)
    }

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
            try Self.requireActive(slot.status)
            return try operation(slot.shard)
        }
    }

    /// A write: computes the result, appends its records as one batch, replays them at their
    /// offsets, and returns the response. Nothing changes when the append fails.
    func write<Response: Sendable>(
        now: Int64, _ operation: (GroupCoordinatorShard) throws(BrokerError) -> CoordinatorResult<Response>
    ) throws(BrokerError) -> Response {
        try slot.withLock { slot throws(BrokerError) -> Response in
            try Self.requireActive(slot.status)
            let result = try operation(slot.shard)
            guard !result.records.isEmpty else { return result.response }
            var batch = try CoordinatorRecordBatch.build(result.records, timestamp: now, allocator: ByteBufferAllocator())
            let appended: AppendResult
            do throws(StorageError) {
                appended = try partition.appendAsLeader(&batch, logAppendTime: nil)
            } catch {
                logger.warning("cannot append coordinator records", metadata: ["error": "\(error)"])
                throw BrokerError(Self.coordinatorError(for: error.code), error.message)
            }
            for (index, record) in result.records.enumerated() {
                slot.shard.replay(record, offset: appended.firstOffset + Int64(index))
            }
            return result.response
        }
    }

    private static func requireActive(_ status: Status) throws(BrokerError) {
        switch status {
        case .active: return
        case .loading: throw BrokerError(.coordinatorLoadInProgress, "the group coordinator is loading this partition")
        case .failed(let reason): throw BrokerError(.coordinatorNotAvailable, "the group coordinator could not load this partition: \(reason)")
        }
    }

    /// Storage errors as clients of a coordinator expect them (Kafka's
    /// CoordinatorOperationExceptionHelper): retriable ones send the client to find the
    /// coordinator again, size errors are the broker's fault.
    static func coordinatorError(for code: ErrorCode) -> ErrorCode {
        switch code {
        case .unknownTopicOrPartition, .notEnoughReplicas, .notEnoughReplicasAfterAppend, .requestTimedOut:
            .coordinatorNotAvailable
        case .notLeaderOrFollower, .kafkaStorageError:
            .notCoordinator
        case .messageTooLarge, .recordListTooLarge, .invalidFetchSize, .corruptMessage:
            .unknownServerError
        default:
            code
        }
    }
}

import KafkaProtocol
import LogStorage
import Logging

/// The group coordinator service: owns `__consumer_offsets` (creating it when missing), one
/// shard per partition, and routes each group's requests to its shard.
///
/// Lifecycle: `start` creates the topic if needed and loads every shard from its log before
/// the broker listens, so requests never meet a half-loaded state. There is nothing to stop:
/// every commit is in the log when it is answered, and the log manager closes the files.
public final class GroupCoordinator: Sendable {
    public let config: GroupCoordinatorConfig
    /// The partition count of the topic as it exists (it decides group placement).
    public let partitionCount: Int32
    private let shards: [CoordinatorShardRuntime]
    private let clock: @Sendable () -> Int64

    private init(config: GroupCoordinatorConfig, shards: [CoordinatorShardRuntime], clock: @escaping @Sendable () -> Int64) {
        self.config = config
        self.partitionCount = Int32(shards.count)
        self.shards = shards
        self.clock = clock
    }

    /// Creates `__consumer_offsets` if missing, then replays every partition.
    public static func start(
        config: GroupCoordinatorConfig, topics: TopicRegistry, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) throws(BrokerError) -> GroupCoordinator {
        let name = GroupCoordinatorConfig.topicName
        let topic: TopicState
        if let existing = topics.topic(named: name) {
            topic = existing
        } else {
            topic = try topics.createTopic(
                name: name, partitions: config.offsetsTopicPartitions,
                replicationFactor: config.offsetsTopicReplicationFactor, configs: config.topicConfigs)
        }
        let shards = topic.partitions.map { CoordinatorShardRuntime(partition: $0, config: config, logger: logger) }
        var total = CoordinatorLoader.Summary()
        var failed = 0
        for shard in shards {
            guard let summary = shard.load(bufferBytes: config.offsetsLoadBufferBytes) else {
                failed += 1
                continue
            }
            total.batches += summary.batches
            total.records += summary.records
            total.skippedRecords += summary.skippedRecords
        }
        logger.info("group coordinator loaded", metadata: [
            "partitions": "\(shards.count)", "batches": "\(total.batches)", "records": "\(total.records)",
            "skipped_records": "\(total.skippedRecords)", "failed_partitions": "\(failed)",
        ])
        return GroupCoordinator(config: config, shards: shards, clock: clock)
    }

    /// The `__consumer_offsets` partition that owns `groupId`.
    public func partitionFor(groupId: String) -> Int32 {
        GroupPartitioner.partition(for: groupId, partitionCount: partitionCount)
    }

    /// Whether the shard owning `groupId` is loaded and serving.
    public func isActive(groupId: String) -> Bool {
        shard(for: groupId)?.status == .active
    }

    /// OffsetCommit for partitions already known to exist. Group-level errors answer every
    /// partition with that error; nothing is stored then.
    public func commitOffsets(_ request: OffsetCommitRequest, apiVersion: Int16) -> OffsetCommitResponse {
        guard let shard = shard(for: request.groupId) else {
            return .failing(request, with: .coordinatorNotAvailable)
        }
        do {
            let now = clock()
            return try shard.write(now: now) { state throws(BrokerError) in
                try state.commitOffset(request, apiVersion: apiVersion, now: now)
            }
        } catch {
            return .failing(request, with: error.code)
        }
    }

    /// TxnOffsetCommit for partitions already known to exist: the offsets join the producer's
    /// transaction. Group-level errors answer every partition.
    public func commitTransactionalOffsets(_ request: TxnOffsetCommitRequest) -> TxnOffsetCommitResponse {
        guard let shard = shard(for: request.groupId) else {
            return .failing(request, with: .coordinatorNotAvailable)
        }
        do {
            let now = clock()
            let producer = ProducerIdAndEpoch(producerId: request.producerId, epoch: request.producerEpoch)
            return try shard.write(now: now, transaction: producer) { state throws(BrokerError) in
                try state.commitTransactionalOffset(request, now: now)
            }
        } catch {
            return .failing(request, with: error.code)
        }
    }

    /// Writes a transaction's marker to one `__consumer_offsets` partition and applies it.
    public func writeTransactionMarker(
        partition: Int32, _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool
    ) throws(BrokerError) {
        guard partition >= 0, Int(partition) < shards.count else {
            throw BrokerError(.unknownTopicOrPartition, "\(GroupCoordinatorConfig.topicName) has no partition \(partition)")
        }
        try shards[Int(partition)].writeTransactionMarker(transaction, coordinatorEpoch: coordinatorEpoch, commit: commit, now: clock())
    }

    /// OffsetFetch for one group; errors are group-level.
    public func fetchOffsets(
        _ request: OffsetFetchRequest.OffsetFetchRequestGroup, requireStable: Bool
    ) -> OffsetFetchResponse.OffsetFetchResponseGroup {
        guard let shard = shard(for: request.groupId) else {
            return .init(groupId: request.groupId, errorCode: ErrorCode.coordinatorNotAvailable.rawValue)
        }
        do {
            return try shard.read { state in state.fetchOffsets(request, requireStable: requireStable) }
        } catch {
            return .init(groupId: request.groupId, errorCode: error.code.rawValue)
        }
    }

    /// A copy of one shard's state, for tests and operator tools.
    public func snapshot(partition: Int32) -> GroupCoordinatorShard? {
        guard partition >= 0, Int(partition) < shards.count else { return nil }
        return try? shards[Int(partition)].read { $0 }
    }

    private func shard(for groupId: String) -> CoordinatorShardRuntime? {
        let index = Int(partitionFor(groupId: groupId))
        return index < shards.count ? shards[index] : nil
    }
}

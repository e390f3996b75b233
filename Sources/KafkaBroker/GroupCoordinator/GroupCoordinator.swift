import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import NIOPosix

/// The group coordinator service: owns `__consumer_offsets` (creating it when missing), one
/// shard per partition, and routes each group's requests to its shard.
///
/// Lifecycle: `start` creates the topic if needed and loads every shard from its log before
/// the broker listens, so requests never meet a half-loaded state. `shutdown` stops the timers
/// and answers parked requests NOT_COORDINATOR; every change is already in the log.
public final class GroupCoordinator: Sendable {
    public let config: GroupCoordinatorConfig
    /// The partition count of the topic as it exists (it decides group placement).
    public let partitionCount: Int32
    let shards: [CoordinatorShardRuntime]
    let topics: TopicRegistry
    /// Timers fire here, and their operations (member expiry, rebalance timeouts) run here.
    private let timerGroup: MultiThreadedEventLoopGroup?

    private init(config: GroupCoordinatorConfig, shards: [CoordinatorShardRuntime], topics: TopicRegistry, timerGroup: MultiThreadedEventLoopGroup?) {
        self.config = config
        self.partitionCount = Int32(shards.count)
        self.shards = shards
        self.topics = topics
        self.timerGroup = timerGroup
    }

    /// Creates `__consumer_offsets` if missing, then replays every partition. Timers run on
    /// `timerLoop`, or on a thread of the coordinator's own when none is given.
    public static func start(
        config: GroupCoordinatorConfig, topics: TopicRegistry, clock: @escaping @Sendable () -> Int64, logger: Logger,
        timerLoop: (any EventLoop)? = nil
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
        let ownGroup = timerLoop == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        let loop: any EventLoop = timerLoop ?? ownGroup!.next()
        let catalog = RegistryTopicCatalog(topics: topics)
        let shards = topic.partitions.map {
            CoordinatorShardRuntime(partition: $0, config: config, timerLoop: loop, topics: catalog, clock: clock, logger: logger)
        }
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
        return GroupCoordinator(config: config, shards: shards, topics: topics, timerGroup: ownGroup)
    }

    /// Stops every shard's timers, answers parked requests, and stops the timer thread.
    public func shutdown() {
        for shard in shards { shard.close() }
        try? timerGroup?.syncShutdownGracefully()
    }

    /// The `__consumer_offsets` partition that owns `groupId`.
    public func partitionFor(groupId: String) -> Int32 {
        GroupPartitioner.partition(for: groupId, partitionCount: partitionCount)
    }

    /// Whether the shard owning `groupId` is loaded and serving.
    public func isActive(groupId: String) -> Bool {
        shard(for: groupId)?.status == .active
    }

    /// A copy of one shard's state, for tests and operator tools.
    public func snapshot(partition: Int32) -> GroupCoordinatorShard? {
        guard partition >= 0, Int(partition) < shards.count else { return nil }
        return try? shards[Int(partition)].read { $0 }
    }

    func shard(for groupId: String) -> CoordinatorShardRuntime? {
        let index = Int(partitionFor(groupId: groupId))
        return index < shards.count ? shards[index] : nil
    }
}

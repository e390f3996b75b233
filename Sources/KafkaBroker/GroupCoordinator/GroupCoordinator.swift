import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import NIOPosix

/// The group coordinator service: one shard per `__consumer_offsets` partition this broker
/// leads, and the routing of each group's requests to its shard.
///
/// Lifecycle: shards come and go with leadership (`leadershipChanged`): becoming leader of a
/// partition loads its shard from the log before it serves; losing it closes the shard, whose
/// parked requests get NOT_COORDINATOR. `shutdown` stops the timers and closes every shard;
/// every change is already in the log.
public final class GroupCoordinator: Sendable {
    public let config: GroupCoordinatorConfig
    let shards = CoordinatorShards<CoordinatorShardRuntime>()
    let topics: TopicRegistry
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let timerLoop: any EventLoop
    /// Timers fire here, and their operations (member expiry, rebalance timeouts) run here.
    private let timerGroup: MultiThreadedEventLoopGroup?

    /// Timers run on `timerLoop`, or on a thread of the coordinator's own when none is given.
    public init(
        config: GroupCoordinatorConfig, topics: TopicRegistry, clock: @escaping @Sendable () -> Int64, logger: Logger,
        timerLoop: (any EventLoop)? = nil
    ) {
        self.config = config
        self.topics = topics
        self.clock = clock
        self.logger = logger
        let ownGroup = timerLoop == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        self.timerGroup = ownGroup
        self.timerLoop = timerLoop ?? ownGroup?.next() ?? MultiThreadedEventLoopGroup.singleton.next()
    }

    /// The partition count of the topic as it exists (it decides group placement), else the
    /// configured one it will be created with.
    public var partitionCount: Int32 {
        topics.cache.topic(named: GroupCoordinatorConfig.topicName).map { Int32($0.partitionCount) } ?? config.offsetsTopicPartitions
    }

    /// Loads the shards of `__consumer_offsets` partitions this broker now leads and closes
    /// those it no longer leads.
    public func leadershipChanged(_ applied: ReplicaManager.Applied) {
        let name = GroupCoordinatorConfig.topicName
        for partition in applied.led where partition.topic == name {
            if let current = shards.shard(partition.index), current.partition === partition, current.status == .active { continue }
            let runtime = CoordinatorShardRuntime(
                partition: partition, config: config, timerLoop: timerLoop, topics: RegistryTopicCatalog(topics: topics),
                clock: clock, logger: logger)
            let summary = runtime.load(bufferBytes: config.offsetsLoadBufferBytes)
            shards.put(runtime, for: partition.index)?.close()
            logger.debug("group coordinator partition loaded", metadata: [
                "partition": "\(partition.index)", "records": "\(summary?.records ?? 0)", "failed": "\(summary == nil)",
            ])
        }
        for (partition, _) in applied.followed where partition.topic == name {
            shards.remove(partition.index)?.close()
        }
        for key in applied.stopped where key.topic == name {
            shards.remove(key.partition)?.close()
        }
    }

    /// Stops every shard's timers, answers parked requests, and stops the timer thread.
    public func shutdown() {
        for shard in shards.removeAll() { shard.close() }
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
        try? shards.shard(partition)?.read { $0 }
    }

    /// The shard of `groupId`'s partition, if this broker leads it.
    func shard(for groupId: String) -> CoordinatorShardRuntime? {
        shards.shard(partitionFor(groupId: groupId))
    }
}

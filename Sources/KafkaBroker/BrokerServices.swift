import Cluster
import KafkaProtocol
import LogStorage
import Logging

/// The broker's shared state, handed to handlers: storage, the cluster view, the replicas
/// held here, the coordinators.
public final class BrokerServices: Sendable {
    public let identity: BrokerIdentity
    public let dataDir: String
    public let logManager: LogManager
    public let cluster: BrokerCluster
    public let topics: TopicRegistry
    public let groupCoordinator: GroupCoordinator
    public let transactionCoordinator: TransactionCoordinator
    let internalTopics: InternalTopics
    let fetchers: ReplicaFetcherManager
    /// leader.replication.throttled.rate (nil: unthrottled).
    let leaderThrottle: ReplicationThrottle?
    public let metrics: BrokerMetrics
    public let topicDefaults: TopicDefaults
    public let configPolicy: any TopicConfigPolicy
    let deleteTopicEnable: Bool
    let fetchSessions = FetchSessionCache()
    /// File creation and deletion for role changes run here, off the event loops.
    public let admin = AdminExecutor()
    public let producerIds: ProducerIdManager
    public let clock: @Sendable () -> Int64

    /// Opens the data directory, joins the cluster and applies its metadata (opening the logs of
    /// the partitions this broker replicates and loading the coordinators it leads). `clock` is
    /// the wall clock; tests pass one they move by hand.
    init(options: Broker.Options, logger: Logger, clock: @escaping @Sendable () -> Int64 = WallClock.nowMs) async throws {
        identity = options.identity
        dataDir = options.dataDir
        topicDefaults = options.topicDefaults
        configPolicy = options.configPolicy
        deleteTopicEnable = options.deleteTopicEnable
        metrics = BrokerMetrics()
        self.clock = clock
        logManager = try LogManager(dataDir: options.dataDir, logger: logger, producerExpiration: options.producerExpiration)
        producerIds = try ProducerIdManager(dataDir: options.dataDir, brokerId: options.identity.nodeId)
        let brokerId = options.identity.nodeId
        let cache = MetadataCache(localBrokerId: brokerId)
        let replicas = ReplicaManager(localBrokerId: brokerId, logManager: logManager, logConfig: options.logConfig, logger: logger)
        let registration = BrokerRegistration(
            id: brokerId, rack: options.cluster.rack ?? options.identity.rack,
            endpoints: [BrokerEndpoint(host: options.identity.host, port: Int(options.identity.port))])
        let settings = BrokerCluster.Settings(
            registration: registration, controller: options.cluster.controller ?? ControllerConfig(brokerID: brokerId),
            connect: try options.cluster.connect(dataDir: options.dataDir, logger: logger), directory: options.cluster.directory,
            controlledShutdown: options.cluster.controlledShutdown,
            controlledShutdownRetries: options.cluster.controlledShutdownRetries,
            controlledShutdownBackoffMs: options.cluster.controlledShutdownBackoffMs)
        cluster = BrokerCluster(settings: settings, cache: cache, replicas: replicas, admin: admin, clock: clock, logger: logger)
        topics = TopicRegistry(cluster: cluster, logger: logger)
        let groups = GroupCoordinator(config: options.groupCoordinator, topics: topics, clock: clock, logger: logger)
        let transactions = TransactionCoordinator(
            config: options.transactionCoordinator, topics: topics, producerIds: producerIds,
            markers: ClusterMarkerWriter(
                local: LocalMarkerWriter(topics: topics, groups: groups, clock: clock), cache: cache,
                connections: cluster.connections),
            clock: clock, logger: logger)
        groupCoordinator = groups
        transactionCoordinator = transactions
        let rates = options.cluster.replicationThrottle
        leaderThrottle = ReplicationThrottle.make(side: .leader, bytesPerSecond: rates.leaderBytesPerSecond, cache: cache, clock: clock)
        let fetchers = ReplicaFetcherManager(
            localBrokerId: brokerId, cache: cache, settings: options.cluster.replicaFetch,
            throttle: ReplicationThrottle.make(side: .follower, bytesPerSecond: rates.followerBytesPerSecond, cache: cache, clock: clock),
            logger: logger)
        self.fetchers = fetchers
        cluster.onChange { applied in
            fetchers.apply(applied)
            groups.leadershipChanged(applied)
            transactions.leadershipChanged(applied)
        }
        internalTopics = InternalTopics(
            topics: topics,
            wanted: [
                .init(
                    name: GroupCoordinatorConfig.topicName, partitions: options.groupCoordinator.offsetsTopicPartitions,
                    replicationFactor: options.groupCoordinator.offsetsTopicReplicationFactor,
                    configs: options.groupCoordinator.topicConfigs),
                .init(
                    name: TransactionCoordinatorConfig.topicName, partitions: options.transactionCoordinator.logPartitions,
                    replicationFactor: options.transactionCoordinator.logReplicationFactor,
                    configs: options.transactionCoordinator.topicConfigs),
            ],
            logger: logger)
        try await cluster.start()
        cluster.startIsrMaintenance(maxLagMs: options.cluster.replicaLagTimeMaxMs)
        internalTopics.start()
        transactions.startBackgroundWork()
        logManager.startMaintenance(options.logMaintenance)
    }

    /// Stops the coordinators and background work, then closes every log.
    func close() {
        fetchers.stopAll()
        internalTopics.stop()
        cluster.stopIsrMaintenance()
        transactionCoordinator.stop()
        groupCoordinator.shutdown()
        admin.close()
        logManager.closeAll()
    }
}

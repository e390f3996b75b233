import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import NIOPosix

/// One broker: storage, topics, the API handlers and the listener, with a start/stop lifecycle.
public final class Broker: Sendable {
    public struct Options: Sendable {
        public var identity: BrokerIdentity
        public var listenHost: String
        public var listenPort: Int
        public var dataDir: String
        public var topicDefaults: TopicDefaults
        public var maxRequestBytes: Int
        public var deleteTopicEnable: Bool
        /// Validates topic config overrides and reports effective values.
        public var configPolicy: any TopicConfigPolicy
        /// Effective log config for a topic's overrides (broker defaults applied).
        public var logConfig: @Sendable ([String: String]) -> LogConfig
        /// Registers handlers that live outside this file (configs, admin); called before ApiVersions.
        public var extraHandlers: @Sendable (inout ApiRegistry, BrokerServices) -> Void
        /// `__consumer_offsets`, offsets and group settings (offsets.*, group.*).
        public var groupCoordinator: GroupCoordinatorConfig
        /// `__transaction_state` and transaction settings (transaction.*).
        public var transactionCoordinator: TransactionCoordinatorConfig
        /// producer.id.expiration.ms and its check interval.
        public var producerExpiration: ProducerExpiration
        /// Retention checks and the log cleaner (log.retention.check.interval.ms, log.cleaner.*).
        public var logMaintenance: LogMaintenanceConfig

        public init(
            identity: BrokerIdentity, listenHost: String, listenPort: Int, dataDir: String,
            topicDefaults: TopicDefaults, maxRequestBytes: Int = 104_857_600, deleteTopicEnable: Bool = true,
            configPolicy: any TopicConfigPolicy,
            logConfig: @escaping @Sendable ([String: String]) -> LogConfig,
            extraHandlers: @escaping @Sendable (inout ApiRegistry, BrokerServices) -> Void = { _, _ in },
            groupCoordinator: GroupCoordinatorConfig = GroupCoordinatorConfig(),
            transactionCoordinator: TransactionCoordinatorConfig = TransactionCoordinatorConfig(),
            producerExpiration: ProducerExpiration = ProducerExpiration(),
            logMaintenance: LogMaintenanceConfig = LogMaintenanceConfig()
        ) {
            self.logMaintenance = logMaintenance
            self.identity = identity
            self.listenHost = listenHost
            self.listenPort = listenPort
            self.dataDir = dataDir
            self.topicDefaults = topicDefaults
            self.maxRequestBytes = maxRequestBytes
            self.deleteTopicEnable = deleteTopicEnable
            self.configPolicy = configPolicy
            self.logConfig = logConfig
            self.extraHandlers = extraHandlers
            self.groupCoordinator = groupCoordinator
            self.transactionCoordinator = transactionCoordinator
            self.producerExpiration = producerExpiration
        }
    }

    public let options: Options
    public let services: BrokerServices
    private let server: BrokerServer
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let logger: Logger

    private init(options: Options, services: BrokerServices, server: BrokerServer, group: any EventLoopGroup, ownsGroup: Bool, logger: Logger) {
        self.options = options
        self.services = services
        self.server = server
        self.group = group
        self.ownsGroup = ownsGroup
        self.logger = logger
    }

    /// Opens (and recovers) the data directory, then starts listening.
    public static func start(options: Options, group: (any EventLoopGroup)? = nil, logger: Logger) async throws -> Broker {
        if let limit = FileDescriptorLimit.raiseToHardLimit() {
            logger.info("open file limit", metadata: ["nofile": "\(limit)"])
        }
        let services = try BrokerServices(options: options, logger: logger)
        var registry = ApiRegistry()
        services.registerCoreHandlers(in: &registry)
        options.extraHandlers(&registry, services)
        registry.register(ApiVersionsHandler(registry: registry))
        let loopGroup = group ?? MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let dispatcher = RequestDispatcher(registry: registry, metrics: services.metrics)
        let server = try await BrokerServer.start(
            host: options.listenHost, port: options.listenPort, group: loopGroup, dispatcher: dispatcher,
            maxFrameSize: options.maxRequestBytes, logger: logger)
        logger.info("broker listening", metadata: [
            "node_id": "\(options.identity.nodeId)", "listen": "\(options.listenHost):\(options.listenPort)",
            "advertised": "\(options.identity.host):\(options.identity.port)", "data_dir": "\(options.dataDir)",
        ])
        return Broker(options: options, services: services, server: server, group: loopGroup, ownsGroup: group == nil, logger: logger)
    }

    public var boundPort: Int? { server.localAddress?.port }

    /// Stops accepting, then closes every log cleanly (checkpoints, so restart does not rescan).
    public func shutdown() async {
        await server.close()
        services.close()
        if ownsGroup { try? await group.shutdownGracefully() }
        logger.info("broker stopped")
    }
}

/// The broker's shared state, handed to handlers.
public final class BrokerServices: Sendable {
    public let identity: BrokerIdentity
    public let dataDir: String
    public let logManager: LogManager
    public let topics: TopicRegistry
    public let groupCoordinator: GroupCoordinator
    public let transactionCoordinator: TransactionCoordinator
    public let metrics: BrokerMetrics
    public let topicDefaults: TopicDefaults
    public let configPolicy: any TopicConfigPolicy
    let deleteTopicEnable: Bool
    let fetchSessions = FetchSessionCache()
    /// Admin changes run here, off the event loops.
    public let admin = AdminExecutor()
    public let producerIds: ProducerIdManager
    public let clock: @Sendable () -> Int64

    init(options: Broker.Options, logger: Logger) throws {
        identity = options.identity
        dataDir = options.dataDir
        topicDefaults = options.topicDefaults
        configPolicy = options.configPolicy
        deleteTopicEnable = options.deleteTopicEnable
        metrics = BrokerMetrics()
        clock = WallClock.nowMs
        logManager = try LogManager(dataDir: options.dataDir, logger: logger, producerExpiration: options.producerExpiration)
        producerIds = try ProducerIdManager(dataDir: options.dataDir)
        topics = try TopicRegistry(dataDir: options.dataDir, logManager: logManager, logger: logger, logConfig: options.logConfig)
        // Creates __consumer_offsets if missing and replays it, before the listener binds.
        groupCoordinator = try GroupCoordinator.start(config: options.groupCoordinator, topics: topics, clock: clock, logger: logger)
        transactionCoordinator = try TransactionCoordinator.start(
            config: options.transactionCoordinator, topics: topics, groups: groupCoordinator, producerIds: producerIds,
            clock: clock, logger: logger)
        transactionCoordinator.startBackgroundWork()
        logManager.startMaintenance(options.logMaintenance)
    }

    func registerCoreHandlers(in registry: inout ApiRegistry) {
        registry.register(MetadataHandler(identity: identity, topics: topics, defaults: topicDefaults, admin: admin))
        registry.register(ProduceHandler(topics: topics, metrics: metrics, clock: clock))
        registry.register(FetchHandler(topics: topics, sessions: fetchSessions, metrics: metrics))
        registry.register(ListOffsetsHandler(topics: topics))
        let brokers: @Sendable () -> [Int32] = { [identity] in [identity.nodeId] }
        registry.register(OffloadedHandler(CreateTopicsHandler(
            identity: identity, topics: topics, defaults: topicDefaults, configPolicy: configPolicy, liveBrokers: brokers), on: admin))
        registry.register(OffloadedHandler(DeleteTopicsHandler(topics: topics, deletionEnabled: deleteTopicEnable), on: admin))
        registry.register(OffloadedHandler(CreatePartitionsHandler(topics: topics, liveBrokers: brokers), on: admin))
        registry.register(DescribeClusterHandler(identity: identity, clusterId: topics.clusterId))
        registry.register(OffsetForLeaderEpochHandler(topics: topics))
        registry.register(OffloadedHandler(DeleteRecordsHandler(topics: topics), on: admin))
        registry.register(DescribeLogDirsHandler(topics: topics, dataDir: dataDir))
        registry.register(InitProducerIdHandler(producerIds: producerIds, transactions: transactionCoordinator))
        registry.register(FindCoordinatorHandler(identity: identity, groups: groupCoordinator, transactions: transactionCoordinator))
        registry.register(OffsetCommitHandler(topics: topics, groups: groupCoordinator))
        registry.register(OffsetFetchHandler(groups: groupCoordinator))
        registerTransactionHandlers(in: &registry)
        registry.register(JoinGroupHandler(groups: groupCoordinator))
        registry.register(SyncGroupHandler(groups: groupCoordinator))
        registry.register(HeartbeatHandler(groups: groupCoordinator))
        registry.register(LeaveGroupHandler(groups: groupCoordinator))
        registry.register(ListGroupsHandler(groups: groupCoordinator))
        registry.register(DescribeGroupsHandler(groups: groupCoordinator))
        registry.register(DeleteGroupsHandler(groups: groupCoordinator))
        registry.register(OffsetDeleteHandler(groups: groupCoordinator))
        registry.register(ConsumerGroupHeartbeatHandler(groups: groupCoordinator))
        registry.register(ConsumerGroupDescribeHandler(groups: groupCoordinator))
    }

    /// Stops the admin thread (finishing queued changes) and the group coordinator's timers,
    /// then closes every log.
    func close() {
        transactionCoordinator.stop()
        admin.close()
        groupCoordinator.shutdown()
        logManager.closeAll()
    }
}

extension BrokerServices {
    func registerTransactionHandlers(in registry: inout ApiRegistry) {
        registry.register(AddPartitionsToTxnHandler(topics: topics, transactions: transactionCoordinator))
        registry.register(AddOffsetsToTxnHandler(groups: groupCoordinator, transactions: transactionCoordinator))
        registry.register(EndTxnHandler(transactions: transactionCoordinator))
        registry.register(TxnOffsetCommitHandler(topics: topics, groups: groupCoordinator))
        registry.register(DescribeTransactionsHandler(transactions: transactionCoordinator))
        registry.register(ListTransactionsHandler(transactions: transactionCoordinator))
        registry.register(DescribeProducersHandler(topics: topics))
        registry.register(WriteTxnMarkersHandler(
            writer: LocalMarkerWriter(topics: topics, groups: groupCoordinator, clock: clock)))
    }
}

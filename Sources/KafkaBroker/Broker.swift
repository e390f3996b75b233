import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import NIOPosix

/// One broker: storage, cluster membership, the API handlers and the listener, with a
/// start/stop lifecycle.
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
        /// Membership, metadata store and replication.
        public var cluster: ClusterOptions

        public init(
            identity: BrokerIdentity, listenHost: String, listenPort: Int, dataDir: String,
            topicDefaults: TopicDefaults, maxRequestBytes: Int = 104_857_600, deleteTopicEnable: Bool = true,
            configPolicy: any TopicConfigPolicy,
            logConfig: @escaping @Sendable ([String: String]) -> LogConfig,
            extraHandlers: @escaping @Sendable (inout ApiRegistry, BrokerServices) -> Void = { _, _ in },
            groupCoordinator: GroupCoordinatorConfig = GroupCoordinatorConfig(),
            transactionCoordinator: TransactionCoordinatorConfig = TransactionCoordinatorConfig(),
            producerExpiration: ProducerExpiration = ProducerExpiration(),
            logMaintenance: LogMaintenanceConfig = LogMaintenanceConfig(),
            cluster: ClusterOptions = ClusterOptions()
        ) {
            self.logMaintenance = logMaintenance
            self.cluster = cluster
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
        let services = try await BrokerServices(options: options, logger: logger)
        var registry = ApiRegistry()
        services.registerCoreHandlers(in: &registry)
        options.extraHandlers(&registry, services)
        registry.register(ApiVersionsHandler(registry: registry))
        let loopGroup = group ?? MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let dispatcher = RequestDispatcher(registry: registry, metrics: services.metrics)
        let server: BrokerServer
        do {
            server = try await BrokerServer.start(
                host: options.listenHost, port: options.listenPort, group: loopGroup, dispatcher: dispatcher,
                maxFrameSize: options.maxRequestBytes, logger: logger)
        } catch {
            // No listener (port taken): leave the cluster again rather than stay registered
            // under an address nobody answers on.
            await services.cluster.stop()
            services.close()
            if group == nil { try? await loopGroup.shutdownGracefully() }
            throw error
        }
        logger.info("broker listening", metadata: [
            "node_id": "\(options.identity.nodeId)", "listen": "\(options.listenHost):\(options.listenPort)",
            "advertised": "\(options.identity.host):\(options.identity.port)", "data_dir": "\(options.dataDir)",
        ])
        return Broker(options: options, services: services, server: server, group: loopGroup, ownsGroup: group == nil, logger: logger)
    }

    public var boundPort: Int? { server.localAddress?.port }

    /// Hands leadership to other brokers (controlled shutdown), stops accepting, leaves the
    /// cluster, then closes every log cleanly (checkpoints, so restart does not rescan).
    public func shutdown() async {
        await services.cluster.stop()
        await server.close()
        await services.fetchers.stopAllAndWait()
        services.close()
        if ownsGroup { try? await group.shutdownGracefully() }
        logger.info("broker stopped")
    }
}


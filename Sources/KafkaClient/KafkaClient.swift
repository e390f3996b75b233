import KafkaProtocol
import Logging
import NIOCore
import NIOPosix

/// A Kafka client: bootstrap, metadata cache, one connection per broker, leader routing,
/// admin, produce and fetch. Every error it throws is a `KafkaClientError`.
///
/// An actor owns the routing state (metadata, connections, round-robin counters). Requests
/// themselves are sent from nonisolated code, so encoding batches and waiting for brokers never
/// holds the actor. Call `shutdown()` when done: it closes the connections.
public actor KafkaClient {
    public struct Configuration: Sendable {
        public var bootstrap: [BrokerAddress]
        public var connection: KafkaConnection.Options
        /// Cached metadata older than this is refreshed before use.
        public var metadataMaxAge: Duration
        /// Whether Metadata may create topics that do not exist (broker's auto.create.topics.enable).
        public var allowAutoTopicCreation: Bool
        /// Attempts for an operation that fails with a retriable error (leader moved, no leader yet).
        public var maxAttempts: Int
        /// Wait between attempts; doubles each time.
        public var retryBackoff: Duration

        public init(
            bootstrap: [BrokerAddress], clientId: String = "petrel", metadataMaxAge: Duration = .seconds(300),
            allowAutoTopicCreation: Bool = false, maxAttempts: Int = 6, retryBackoff: Duration = .milliseconds(100)
        ) {
            self.bootstrap = bootstrap
            self.connection = KafkaConnection.Options(clientId: clientId)
            self.metadataMaxAge = metadataMaxAge
            self.allowAutoTopicCreation = allowAutoTopicCreation
            self.maxAttempts = max(1, maxAttempts)
            self.retryBackoff = retryBackoff
        }

        /// `bootstrap` as in `bootstrap.servers` or KAFKA_URL (`kafka+ssl://h:p,...`).
        public init(bootstrap: String, clientId: String = "petrel") throws(KafkaClientError) {
            self.init(bootstrap: try BrokerAddress.parseList(bootstrap), clientId: clientId)
        }
    }

    public nonisolated let configuration: Configuration
    nonisolated let eventLoopGroup: any EventLoopGroup
    nonisolated let logger: Logger

    var metadata = ClusterMetadata()
    var topicFetchedAt: [String: ContinuousClock.Instant] = [:]
    var connections: [Int32: Task<KafkaConnection, any Error>] = [:]
    var bootstrapConnection: Task<KafkaConnection, any Error>?
    var nextBootstrapIndex = 0
    var roundRobin: [String: Int] = [:]
    var isShutDown = false

    public init(
        configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "petrel.kafka-client")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    public init(bootstrap: String, clientId: String = "petrel") throws(KafkaClientError) {
        self.init(configuration: try Configuration(bootstrap: bootstrap, clientId: clientId))
    }

    /// Closes every connection; later calls fail with `.shutDown`.
    public func shutdown() async {
        isShutDown = true
        var tasks = Array(connections.values)
        if let bootstrapConnection { tasks.append(bootstrapConnection) }
        connections = [:]
        bootstrapConnection = nil
        for task in tasks {
            if let connection = try? await task.value { await connection.close() }
        }
    }

    func checkOpen() throws {
        if isShutDown { throw KafkaClientError(.shutDown) }
    }

    /// The connection to broker `id`, made on first use from the cached metadata address.
    public func connection(toBroker id: Int32) async throws -> KafkaConnection {
        try checkOpen()
        for _ in 0..<2 {
            let task: Task<KafkaConnection, any Error>
            if let existing = connections[id] {
                task = existing
            } else {
                if metadata.brokers[id] == nil { _ = try await refreshMetadata(topics: []) }
                guard let address = metadata.brokers[id] else {
                    throw KafkaClientError(.kafka(.brokerNotAvailable), broker: "node \(id)")
                }
                task = makeConnectTask(address, nodeId: id)
                connections[id] = task
            }
            do {
                let connection = try await task.value
                if connection.isActive { return connection }
                if connections[id] == task { connections[id] = nil }
            } catch {
                if connections[id] == task { connections[id] = nil }
                throw error
            }
        }
        throw KafkaClientError(.connectionClosed, broker: "node \(id)")
    }

    /// Some live connection: the shared bootstrap one, made on first use from the first
    /// bootstrap address (then any known broker) that accepts.
    public func anyConnection() async throws -> KafkaConnection {
        try checkOpen()
        for _ in 0..<2 {
            let task = bootstrapConnection ?? makeBootstrapTask()
            bootstrapConnection = task
            do {
                let connection = try await task.value
                if connection.isActive { return connection }
                if bootstrapConnection == task { bootstrapConnection = nil }
            } catch {
                if bootstrapConnection == task { bootstrapConnection = nil }
                throw error
            }
        }
        throw KafkaClientError(.connectionClosed)
    }

    private func makeConnectTask(_ address: BrokerAddress, nodeId: Int32?) -> Task<KafkaConnection, any Error> {
        let options = configuration.connection
        let group = eventLoopGroup
        let logger = logger
        return Task {
            try await KafkaConnection.connect(
                to: address, nodeId: nodeId, options: options, eventLoopGroup: group, logger: logger)
        }
    }

    /// Tries the bootstrap addresses in turn (starting after the last one used), then brokers
    /// from metadata; the error is the first address's, which is what the user typed.
    private func makeBootstrapTask() -> Task<KafkaConnection, any Error> {
        let count = configuration.bootstrap.count
        let start = nextBootstrapIndex % max(count, 1)
        nextBootstrapIndex += 1
        var candidates = (0..<count).map { configuration.bootstrap[($0 + start) % count] }
        for address in metadata.brokers.values.sorted(by: { $0.description < $1.description })
        where !candidates.contains(address) {
            candidates.append(address)
        }
        let options = configuration.connection
        let group = eventLoopGroup
        let logger = logger
        return Task {
            var firstError: (any Error)?
            for address in candidates {
                do {
                    return try await KafkaConnection.connect(
                        to: address, options: options, eventLoopGroup: group, logger: logger)
                } catch {
                    if firstError == nil { firstError = error }
                }
            }
            throw firstError ?? KafkaClientError(.invalidBootstrap(""))
        }
    }
}

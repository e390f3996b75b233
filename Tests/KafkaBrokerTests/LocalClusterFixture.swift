import Cluster
import Foundation
import KafkaClient
import KafkaProtocol
import LogStorage
import NIOCore
import NIOPosix
import TestSupport

@testable import KafkaBroker

/// Several full brokers in this process, each listening on its own loopback port, sharing one
/// embedded metadata store and a LocalControllerDirectory, as `petrel dev` runs them. Brokers
/// stop and start by id (with their data, or wiped to play a replacement machine).
final class LocalClusterFixture: @unchecked Sendable {
    let backend: EmbeddedMetadataBackend
    let directory = LocalControllerDirectory()
    let root: String
    private(set) var ports: [Int32: Int]
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
    private(set) var brokers: [Int32: Broker] = [:]
    private let configure: @Sendable (Int32, inout Broker.Options) -> Void

    private init(root: String, ports: [Int32: Int], configure: @escaping @Sendable (Int32, inout Broker.Options) -> Void) throws {
        self.root = root
        self.ports = ports
        self.configure = configure
        self.backend = try EmbeddedMetadataBackend(directory: root)
    }

    /// Starts `count` brokers (ids 1...count), runs `body`, then stops them all and removes the data.
    static func run(
        brokers count: Int = 3, configure: @escaping @Sendable (Int32, inout Broker.Options) -> Void = { _, _ in },
        _ body: (LocalClusterFixture) async throws -> Void
    ) async throws {
        let root = try TempDirectory.make(prefix: "petrel-local-cluster-")
        var ports: [Int32: Int] = [:]
        for id in 1...Int32(count) { ports[id] = try FreePort.pick() }
        let cluster = try LocalClusterFixture(root: root, ports: ports, configure: configure)
        do {
            for id in ports.keys.sorted() { try await cluster.start(id) }
            try await cluster.waitForBrokers(Set(ports.keys))
            try await body(cluster)
        } catch {
            await cluster.stopAll()
            throw error
        }
        await cluster.stopAll()
    }

    var bootstrap: String { ports.keys.sorted().compactMap { ports[$0].map { "127.0.0.1:\($0)" } }.joined(separator: ",") }

    func dataDir(_ id: Int32) -> String { root + "/broker-\(id)" }

    func options(_ id: Int32) throws -> Broker.Options {
        let resolver = TopicConfigResolver(broker: try BrokerConfig(properties: [:]))
        var groups = GroupCoordinatorConfig()
        groups.offsetsTopicPartitions = 1
        var transactions = TransactionCoordinatorConfig()
        transactions.logPartitions = 1
        var maintenance = LogMaintenanceConfig()
        maintenance.cleaner.enabled = false
        let port = ports[id] ?? 0
        var options = Broker.Options(
            identity: BrokerIdentity(nodeId: id, host: "127.0.0.1", port: Int32(port)), listenHost: "127.0.0.1",
            listenPort: port, dataDir: dataDir(id),
            topicDefaults: TopicDefaults(autoCreate: false, partitions: 1, replicationFactor: 1),
            configPolicy: resolver, logConfig: { resolver.logConfig(overrides: $0) }, groupCoordinator: groups,
            transactionCoordinator: transactions, logMaintenance: maintenance,
            cluster: ClusterOptions(
                metadata: .embedded(backend), directory: directory,
                replicaFetch: ReplicaFetchSettings(maxWaitMs: 100, backoffMs: 100), controlledShutdown: false))
        configure(id, &options)
        return options
    }

    /// Starts broker `id` on its port and data directory (created empty if missing). A port
    /// taken meanwhile (picked free, then used by another test's connection) is picked again.
    func start(_ id: Int32) async throws {
        try FileManager.default.createDirectory(atPath: dataDir(id), withIntermediateDirectories: true)
        for attempt in 1...5 {
            do {
                brokers[id] = try await Broker.start(options: try options(id), group: group, logger: BrokerFixture.logger)
                return
            } catch let error as IOError where error.errnoCode == EADDRINUSE && attempt < 5 {
                ports[id] = try FreePort.pick()
            }
        }
    }

    /// Stops broker `id` without handing its leaderships over (its registration goes, as when
    /// a broker dies); `wipe` deletes its data, as a replacement machine would start.
    func stop(_ id: Int32, wipe: Bool = false) async throws {
        guard let broker = brokers.removeValue(forKey: id) else { return }
        await broker.shutdown()
        if wipe { try FileManager.default.removeItem(atPath: dataDir(id)) }
    }

    /// Waits until every running broker's metadata lists exactly `ids`.
    func waitForBrokers(_ ids: Set<Int32>) async throws {
        try await BrokerFixture.waitFor("every broker to see brokers \(ids.sorted())") {
            brokers.values.allSatisfy { Set($0.services.topics.cache.brokers.map(\.id)) == ids } ? true : nil
        }
    }

    func stopAll() async {
        for id in brokers.keys.sorted() { try? await stop(id) }
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: root)
    }

    func client() throws -> KafkaClient {
        var configuration = try KafkaClient.Configuration(bootstrap: bootstrap, clientId: "local-cluster-test")
        configuration.maxAttempts = 10
        configuration.retryBackoff = .milliseconds(50)
        return KafkaClient(configuration: configuration, eventLoopGroup: group)
    }

    func services(_ id: Int32) -> BrokerServices? { brokers[id]?.services }

    /// Broker `id`'s replica of the partition, any role.
    func replica(_ id: Int32, _ topic: String, _ partition: Int32) -> Partition? {
        services(id)?.topics.partition(topic: topic, index: partition)
    }

    /// The partition as broker `id`'s metadata shows it.
    func state(_ topic: String, _ partition: Int32, seenBy id: Int32 = 1) -> (replicas: [Int32], state: PartitionState)? {
        guard let cache = services(id)?.topics.cache, let assignment = cache.topic(named: topic),
            let replicas = assignment.replicas(of: partition),
            let state = cache.state(of: TopicPartition(topic: topic, partition: partition))
        else { return nil }
        return (replicas, state)
    }

    /// The bytes of a replica's log from its start to its end (followers hold the leader's
    /// batches byte for byte).
    static func logBytes(_ partition: Partition) throws -> ByteBuffer {
        let log = partition.log
        guard log.logEndOffset > log.logStartOffset else { return ByteBuffer() }
        let read = try log.read(from: log.logStartOffset, maxBytes: 64 << 20, maxOffset: log.logEndOffset, minOneBatch: true)
        return try read.readBytes()
    }
}

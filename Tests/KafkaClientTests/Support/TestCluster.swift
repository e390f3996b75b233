import Foundation
import KafkaClient
import TestSupport

/// Where the integration tests run:
/// - KAFKA_CLIENT_TEST_BOOTSTRAP=host:port: that cluster (it must serve the admin APIs);
/// - KAFKA_CLIENT_TEST_BROKER=petrel: a fresh `petrel broker` process per test (TestSupport);
/// - otherwise librdkafka's mock cluster (no admin APIs; topics via its control port).
final class TestCluster: Sendable {
    static let bootstrapVariable = "KAFKA_CLIENT_TEST_BOOTSTRAP"
    static let brokerVariable = "KAFKA_CLIENT_TEST_BROKER"

    let bootstrap: String
    let mock: MockCluster?
    let broker: BrokerProcess?

    static var usePetrel: Bool { ProcessInfo.processInfo.environment[brokerVariable] == "petrel" }

    static var external: String? {
        ProcessInfo.processInfo.environment[bootstrapVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Why no cluster can run here, or nil.
    static var unavailableReason: String? {
        if external != nil { return nil }
        if usePetrel {
            if FileManager.default.isExecutableFile(atPath: BrokerProcess.binary) { return nil }
            let message = "skipping cluster tests: no petrel binary at \(BrokerProcess.binary)"
            print(message)
            return message
        }
        guard let reason = MockCluster.unavailableReason else { return nil }
        let message = "skipping cluster tests: \(reason) (or set \(bootstrapVariable))"
        print(message)
        return message
    }

    static var isAvailable: Bool { unavailableReason == nil }

    private init(bootstrap: String, mock: MockCluster? = nil, broker: BrokerProcess? = nil) {
        self.bootstrap = bootstrap
        self.mock = mock
        self.broker = broker
    }

    /// Runs `body` against a fresh cluster (`brokers` applies to the mock only) and a client
    /// for it; the client is shut down and the mock stopped whatever `body` does.
    static func run<T>(
        brokers: Int = 1, _ body: (TestCluster, KafkaClient) async throws -> T
    ) async throws -> T {
        let cluster: TestCluster
        if let external {
            cluster = TestCluster(bootstrap: external)
        } else if usePetrel {
            let broker = try BrokerProcess()
            try broker.start()
            cluster = TestCluster(bootstrap: broker.bootstrap, broker: broker)
        } else {
            let mock = try await MockCluster.start(brokers: brokers)
            cluster = TestCluster(bootstrap: mock.bootstrap, mock: mock)
        }
        let client: KafkaClient
        do {
            client = try cluster.client()
        } catch {
            await cluster.stop()
            throw error
        }
        do {
            let result = try await body(cluster, client)
            await client.shutdown()
            await cluster.stop()
            return result
        } catch {
            await client.shutdown()
            await cluster.stop()
            throw error
        }
    }

    var supportsAdmin: Bool { mock == nil }

    func client(clientId: String = "kafka-client-tests") throws -> KafkaClient {
        var configuration = try KafkaClient.Configuration(bootstrap: bootstrap, clientId: clientId)
        configuration.connection.requestTimeout = .seconds(15)
        return KafkaClient(configuration: configuration)
    }

    /// A fresh topic: through the mock's control port, or CreateTopics on a real broker.
    func createTopic(_ prefix: String, partitions: Int, client: KafkaClient) async throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        if let mock {
            try mock.createTopic(name, partitions: partitions)
        } else {
            try await client.createTopic(name, partitions: Int32(partitions), replicationFactor: 1)
        }
        return name
    }

    func stop() async {
        await mock?.stop()
        broker?.stop()
    }
}

import Foundation
import KafkaProtocol
import LogStorage
import Testing
import TestSupport
import ZooKeeperClient

@testable import Cluster

/// The two backends every contract test runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case zooKeeper
    case embedded

    var testDescription: String { rawValue }
}

/// Starts one standalone ZooKeeper for a suite (each test works under its own chroot) and stops
/// it after the suite's last test.
struct SharedZooKeeper: SuiteTrait, TestScoping {
    @TaskLocal static var server: ZooKeeperProcess?

    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await ZooKeeperProcess.standalone()
        defer { server.stop() }
        try await Self.$server.withValue(server) { try await function() }
    }

    static func current() throws -> ZooKeeperProcess {
        try #require(server, "the suite needs the .sharedZooKeeper trait")
    }
}

extension Trait where Self == SharedZooKeeper {
    static var sharedZooKeeper: Self { Self() }
}

/// One isolated cluster namespace on a backend: a fresh chroot on the shared ZooKeeper, or a
/// fresh embedded backend (in a temp directory). Opens sessions on it and ends them.
final class StoreCluster: Sendable {
    let backend: Backend
    let connectString: String
    let embedded: EmbeddedMetadataBackend?
    let directory: String?

    private init(backend: Backend, connectString: String, embedded: EmbeddedMetadataBackend?, directory: String?) {
        self.backend = backend
        self.connectString = connectString
        self.embedded = embedded
        self.directory = directory
    }

    /// `connectString`: the ZooKeeper servers to use (default: the suite's shared server).
    static func make(_ backend: Backend, connectString: String? = nil) throws -> StoreCluster {
        let chroot = "/petrel-test-" + UUID().uuidString.prefix(8).lowercased()
        switch backend {
        case .zooKeeper:
            let servers = try connectString ?? SharedZooKeeper.current().address
            return StoreCluster(backend: backend, connectString: servers + chroot, embedded: nil, directory: nil)
        case .embedded:
            let directory = try TempDirectory.make(prefix: "petrel-cluster-")
            return StoreCluster(
                backend: backend, connectString: "", embedded: try EmbeddedMetadataBackend(directory: directory),
                directory: directory)
        }
    }

    func open(sessionTimeout: Duration = .seconds(4)) async throws -> any MetadataStore {
        if let embedded { return embedded.openSession() }
        return try await ZooKeeperMetadataStore.connect(.init(connectString: connectString, sessionTimeout: sessionTimeout))
    }

    deinit {
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}

/// Opens sessions on a StoreCluster and closes them all when the test ends, even on failure.
/// ZooKeeper sessions go through a TCPProxy each, so a test can cut one off.
final class Sessions: @unchecked Sendable {
    let cluster: StoreCluster
    private let lock = NSLock()
    private var stores: [any MetadataStore] = []
    private var proxies: [Int64: TCPProxy] = [:]

    init(_ cluster: StoreCluster) { self.cluster = cluster }

    func open(sessionTimeout: Duration = .seconds(4)) async throws -> any MetadataStore {
        let store: any MetadataStore
        if cluster.embedded != nil {
            store = try await cluster.open(sessionTimeout: sessionTimeout)
        } else {
            let (servers, root) = ZooKeeperPaths.splitConnectString(cluster.connectString)
            let port = try #require(servers.split(separator: ":").last.flatMap { Int($0) })
            let proxy = try await TCPProxy.start(port: port)
            store = try await ZooKeeperMetadataStore.connect(
                .init(connectString: proxy.address + root, sessionTimeout: sessionTimeout))
            lock.withLock { proxies[store.sessionID] = proxy }
        }
        lock.withLock { stores.append(store) }
        return store
    }

    /// Ends `store`'s session the way a dead owner's ends. ZooKeeper: the store is cut off, the
    /// session is taken over on a direct connection and closed (so the server ends it now), and
    /// when the store is back in touch it hears "expired". Embedded: declared dead.
    func expire(_ store: any MetadataStore) async throws {
        if let embedded = cluster.embedded {
            embedded.expireSession(store.sessionID)
            return
        }
        let zk = try #require(store as? ZooKeeperMetadataStore)
        let proxy = try #require(lock.withLock { proxies[store.sessionID] })
        var resume = try ZooKeeperClient.Configuration(
            connectString: ZooKeeperPaths.splitConnectString(cluster.connectString).servers, sessionTimeout: .seconds(4))
        guard let credentials = zk.client.credentials else {
            Issue.record("the store's session has no credentials")
            return
        }
        resume.resume = credentials
        await proxy.cut()
        let thief = try await ZooKeeperClient.connect(resume)
        await thief.close()
        try await proxy.restore()
    }

    /// Cuts a ZooKeeper store off its server (no effect on the embedded backend).
    func cut(_ store: any MetadataStore) async {
        await lock.withLock { proxies[store.sessionID] }?.cut()
    }

    func closeAll() async {
        for store in lock.withLock({ stores }) { await store.close() }
        for proxy in lock.withLock({ Array(proxies.values) }) { await proxy.stop() }
    }
}

/// Runs `body` with a fresh cluster on `backend` and closes its sessions afterwards.
func withCluster(_ backend: Backend, _ body: (Sessions) async throws -> Void) async throws {
    let sessions = Sessions(try StoreCluster.make(backend))
    do {
        try await body(sessions)
    } catch {
        await sessions.closeAll()
        throw error
    }
    await sessions.closeAll()
}

func broker(_ id: Int32, rack: String? = nil, port: Int = 9092) -> BrokerRegistration {
    BrokerRegistration(
        id: id, rack: rack,
        endpoints: [BrokerEndpoint(host: "127.0.0.1", port: port + Int(id))])
}

func topic(_ name: String, _ partitions: [[Int32]]) -> TopicAssignment {
    TopicAssignment(name: name, topicID: KafkaUUID.random(), partitions: partitions)
}

func tp(_ topic: String, _ partition: Int32) -> TopicPartition { TopicPartition(topic: topic, partition: partition) }

/// Expects `body` to fail with a ClusterError of `reason`.
func expectFailure<T>(
    _ reason: ClusterError.Reason, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws(ClusterError) -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected \(reason), but the call succeeded", sourceLocation: sourceLocation)
    } catch {
        #expect(error.reason == reason, "\(error)", sourceLocation: sourceLocation)
    }
}

/// Polls `condition` every 20 ms for at most `seconds`; true as soon as it holds.
func poll(upTo seconds: Double, _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

/// Records every change a watch receives (one background task consumes its stream), so a test
/// can wait with a bound for the ones it expects.
final class ChangeRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var changes: [MetadataChange] = []
    private var ended = false

    init(_ watch: MetadataWatch) {
        Task {
            for await change in watch.changes { self.lock.withLock { self.changes.append(change) } }
            self.lock.withLock { self.ended = true }
        }
    }

    var recorded: [MetadataChange] { lock.withLock { changes } }
    var isEnded: Bool { lock.withLock { ended } }

    /// Waits until `change` was recorded (and removes it), for at most `seconds`.
    func take(_ change: MetadataChange, within seconds: Double = 10) async -> Bool {
        let found = await poll(upTo: seconds) { self.recorded.contains(change) }
        if found {
            lock.withLock {
                if let index = changes.firstIndex(of: change) { changes.remove(at: index) }
            }
        }
        return found
    }

    func clear() { lock.withLock { changes = [] } }
}

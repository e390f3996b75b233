import Foundation
import Logging
import NIOConcurrencyHelpers
import ZooKeeperClient

/// The metadata store on ZooKeeper, in Kafka's znode layout and JSON (see ZooKeeperPaths and
/// ZNodeFormats). One instance is one ZooKeeper session: `connect` opens it, `close` ends it,
/// and when ZooKeeper expires it the store says so through `sessionEnded()` and refuses every
/// call; the owner then connects a new store and registers again.
///
/// Connection loss inside the session is handled here: the client moves to another member with
/// the same session, and calls that failed in flight are retried; writes check on retry whether
/// their first attempt already landed (Kafka's KafkaZkClient does the same).
public final class ZooKeeperMetadataStore: MetadataStore {
    public struct Configuration: Sendable {
        /// `host:port,host:port,...`, optionally with a chroot as in Kafka's zookeeper.connect
        /// (`host:port,host:port/petrel`): then every path lives under it.
        public var connectString: String
        /// Requested session timeout: how long after a broker dies its registration (and its
        /// controllership) disappears. ZooKeeper clamps it to [2, 20] ticks (4-40 s with the
        /// default tickTime of 2 s). Kafka's default is 18 s; Petrel's 4 s keeps failover fast.
        public var sessionTimeout: Duration
        /// How many times a call that lost its connection is retried while the session lives.
        public var maxRetries: Int

        public init(connectString: String, sessionTimeout: Duration = .seconds(4), maxRetries: Int = 20) {
            self.connectString = connectString
            self.sessionTimeout = sessionTimeout
            self.maxRetries = maxRetries
        }
    }

    let client: ZooKeeperClient
    let configuration: Configuration
    let paths: ZooKeeperPaths
    let logger: Logger
    let metrics: ClusterMetrics
    private let end = SessionEndSignal()
    private let watches = SessionWatches()
    private let nextWatchID = NIOLockedValueBox<UInt64>(0)

    private init(client: ZooKeeperClient, configuration: Configuration, paths: ZooKeeperPaths, logger: Logger, metrics: ClusterMetrics) {
        self.client = client
        self.configuration = configuration
        self.paths = paths
        self.logger = logger
        self.metrics = metrics
    }

    /// Opens a session and creates the persistent skeleton (`/brokers/ids`, `/brokers/topics`,
    /// `/config/topics`, `/cluster`) if missing.
    public static func connect(
        _ configuration: Configuration, logger: Logger = Logger(label: "petrel.cluster.zookeeper"),
        metrics: ClusterMetrics = .shared
    ) async throws(ClusterError) -> ZooKeeperMetadataStore {
        let client: ZooKeeperClient
        let (servers, root) = ZooKeeperPaths.splitConnectString(configuration.connectString)
        let paths = ZooKeeperPaths(root: root)
        do {
            let zk = try ZooKeeperClient.Configuration(connectString: servers, sessionTimeout: configuration.sessionTimeout)
            client = try await ZooKeeperClient.connect(zk, logger: logger)
        } catch {
            throw Self.clusterError(error, path: nil)
        }
        var sessionLogger = logger
        sessionLogger[metadataKey: "zk_session"] = "0x\(String(client.sessionID, radix: 16))"
        let store = ZooKeeperMetadataStore(
            client: client, configuration: configuration, paths: paths, logger: sessionLogger, metrics: metrics)
        store.followSession()
        do {
            for path in paths.skeleton {
                try await store.retrying(path) { () async throws(ZooKeeperError) in try await client.ensurePath(path) }
            }
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Logs the session's connections and records its end.
    private func followSession() {
        let events = client.sessionEvents
        Task { [logger, end, watches, metrics] in
            for await event in events {
                switch event {
                case .connected(let server, _):
                    logger.info("metadata session connected", metadata: ["zk_server": "\(server)"])
                case .disconnected:
                    logger.warning("metadata session lost its connection; reconnecting")
                case .expired:
                    logger.error("metadata session expired")
                    metrics.sessionExpirations.increment()
                    end.finish(.expired)
                    watches.finishAll()
                case .closed:
                    end.finish(.closed)
                    watches.finishAll()
                }
            }
            // The stream ends after expired/closed; a client dropped otherwise counts as closed.
            end.finish(.closed)
            watches.finishAll()
        }
    }

    public var sessionID: Int64 { client.sessionID }
    public var isSessionAlive: Bool { end.end == nil && !client.isEnded }
    public func sessionEnded() async -> SessionEnd { await end.wait() }

    public func close() async {
        await client.close()
        end.finish(.closed)
        watches.finishAll()
    }

    /// The member of the ensemble the session is on now (for tests and logs).
    public var connectedServer: String? { client.connectedServer }

    public func makeWatch() -> MetadataWatch {
        let id = nextWatchID.withLockedValue { id in
            id += 1
            return id
        }
        let paths = paths
        let watch = MetadataWatch(id: id) { deliver, finish in
            ZooKeeperWatcher(onSessionEnd: finish) { event in
                if let change = paths.change(for: event.path) { deliver(change) }
            }
        }
        watches.add(watch)
        return watch
    }

    // MARK: Calls

    /// Runs `body`, again after a connection loss while the session lives (the client resends
    /// on the next member), and maps ZooKeeper's errors to ClusterError.
    func retrying<T>(_ path: String?, _ body: () async throws(ZooKeeperError) -> T) async throws(ClusterError) -> T {
        var attempt = 0
        while true {
            do throws(ZooKeeperError) {
                return try await body()
            } catch {
                // (No `catch ... where` here: Swift 6.3's release optimizer crashes on it in async loops.)
                if error.isRetriable, !client.isEnded, attempt < configuration.maxRetries {
                    attempt += 1
                    logger.debug("retrying after connection loss", metadata: ["path": "\(path ?? "-")", "attempt": "\(attempt)"])
                    try? await Task.sleep(for: .milliseconds(min(10 * attempt, 200)))
                    continue
                }
                throw Self.clusterError(error, path: path)
            }
        }
    }

    /// The one mapping of ZooKeeper's errors to ClusterError.
    static func clusterError(_ error: ZooKeeperError, path: String?) -> ClusterError {
        let context = "\(error)"
        switch error.code {
        case .sessionExpired: return .sessionEnded(context)
        case .connectionLoss, .operationTimeout, .requestTimeout, .throttledOp: return .unavailable(context)
        case .badVersion: return .staleVersion(context)
        case .noNode: return .notFound(context)
        case .nodeExists: return ClusterError(.alreadyExists, code: .unknownServerError, context)
        case .badArguments: return .invalid(context)
        case .marshallingError: return .corrupt(context)
        default: return .unavailable(context)
        }
    }

    /// The path's data and Stat, or nil when the node does not exist; with a watch, also for
    /// its creation (an exists watch when it is missing).
    func readNode(_ path: String, watch: MetadataWatch?) async throws(ClusterError) -> NodeData? {
        let watcher = watch?.zooKeeperWatcher
        return try await retrying(path) { () async throws(ZooKeeperError) -> NodeData? in
            while true {
                do throws(ZooKeeperError) {
                    return try await client.getData(path, watcher: watcher)
                } catch {
                    guard error.code == .noNode else { throw error }
                }
                // Gone: watch for its creation. If it appeared meanwhile, read it again.
                if try await client.exists(path, watcher: watcher) == nil { return nil }
            }
        }
    }

    /// The children of `path`, sorted ([] when it does not exist).
    func children(_ path: String, watch: MetadataWatch?) async throws(ClusterError) -> [String] {
        let watcher = watch?.zooKeeperWatcher
        return try await retrying(path) { () async throws(ZooKeeperError) -> [String] in
            do throws(ZooKeeperError) {
                return try await client.getChildren(path, watcher: watcher).names.sorted()
            } catch {
                guard error.code == .noNode else { throw error }
                return []
            }
        }
    }

    public func clusterID() async throws(ClusterError) -> String {
        let path = paths.clusterID
        while true {
            if let node = try await readNode(path, watch: nil) {
                return try ZNodeJSON.decode(ClusterIDZNode.self, node.data, path: path).id
            }
            let proposal = ZNodeJSON.encode(ClusterIDZNode(id: newClusterID()))
            do {
                try await retrying(path) { () async throws(ZooKeeperError) in _ = try await client.create(path, data: proposal) }
                logger.info("created cluster id", metadata: ["path": "\(path)"])
            } catch {
                // Another broker created it first (or our first attempt did): read it.
                guard error.reason == .alreadyExists else { throw error }
            }
        }
    }
}

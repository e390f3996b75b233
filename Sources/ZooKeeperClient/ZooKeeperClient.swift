import Logging
import NIOCore
import NIOPosix

/// A ZooKeeper session, over connections to the members of an ensemble.
///
/// `connect` returns once the session is open. Afterwards the client keeps it alive by itself:
/// pings, and when a connection drops, a reconnect to the next member with the same session id and
/// password, re-registering its watches. The owner follows the session on `sessionEvents`; when it
/// yields `.expired` the session is gone for good (the server deleted its ephemeral nodes), every
/// call fails with `sessionExpired`, and the owner makes a new client.
///
/// All methods may be called from any task; requests are pipelined on the connection and answered
/// in order. Cancelling a task does not recall a request already handed to the client.
public final class ZooKeeperClient: Sendable {
    public let configuration: Configuration
    /// Every change of the session, in order; finishes after `.expired` or `.closed`.
    /// One consumer should read it (it is an AsyncStream).
    public let sessionEvents: AsyncStream<SessionEvent>
    let driver: SessionDriver

    private init(configuration: Configuration, eventLoop: any EventLoop, logger: Logger) {
        self.configuration = configuration
        let (stream, continuation) = AsyncStream<SessionEvent>.makeStream()
        self.sessionEvents = stream
        var servers = configuration.servers
        if configuration.shuffleServers { servers.shuffle() }
        let machineConfiguration = SessionDriver.Machine.Configuration(
            servers: servers, sessionTimeout: TimeAmount(configuration.sessionTimeout),
            reconnectDelay: TimeAmount(configuration.reconnectDelay), canBeReadOnly: configuration.canBeReadOnly,
            resume: configuration.resume)
        self.driver = SessionDriver(
            configuration: machineConfiguration, eventLoop: eventLoop,
            maxFrameLength: configuration.maxFrameLength, logger: logger, events: continuation)
    }

    /// Opens a session (or resumes `configuration.resume`) and returns once a server accepted it.
    /// Throws `connectionLoss` when no server answered within the session timeout, and
    /// `sessionExpired` when the session to resume is gone.
    public static func connect(
        _ configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "petrel.zookeeper")
    ) async throws(ZooKeeperError) -> ZooKeeperClient {
        try configuration.validate()
        let client = ZooKeeperClient(configuration: configuration, eventLoop: eventLoopGroup.next(), logger: logger)
        do {
            try await client.driver.start().get()
        } catch {
            throw Self.zooKeeperError(error)
        }
        return client
    }

    /// Closes the session: the server deletes its ephemeral nodes and fires their watches. Calls
    /// made afterwards fail with `sessionExpired`. Closing twice is harmless. When no connection is
    /// up at the time, the session simply ends here and the server expires it after its timeout.
    public func close() async {
        try? await driver.close().get()
    }

    deinit {
        // An owner that forgot close(): end the session rather than leave it to expire.
        _ = driver.close()
    }

    /// The current session's id and password (nil before the first connection).
    public var credentials: SessionCredentials? { driver.status.withLockedValue { $0.credentials } }

    /// The session id (0 before the first connection).
    public var sessionID: Int64 { credentials?.id ?? 0 }

    /// The session timeout the server granted.
    public var negotiatedSessionTimeout: Duration? {
        driver.status.withLockedValue { $0.negotiatedTimeout }.map { Duration($0) }
    }

    /// The member the session is on now (`host:port`), nil while reconnecting or after the end.
    public var connectedServer: String? { driver.status.withLockedValue { $0.server } }

    /// True once the session expired or the client was closed.
    public var isEnded: Bool { driver.status.withLockedValue { $0.ended } }

    /// Sends one request and waits for its answer.
    func call(_ request: ZooKeeperRequest, watcher: ZooKeeperWatcher? = nil) async throws(ZooKeeperError) -> ZooKeeperResponse {
        do {
            return try await driver.submit(request, watcher: watcher).get()
        } catch {
            throw Self.zooKeeperError(error)
        }
    }

    static func zooKeeperError(_ error: any Error) -> ZooKeeperError {
        if let error = error as? ZooKeeperError { return error }
        return .connectionLoss("\(error)")
    }
}

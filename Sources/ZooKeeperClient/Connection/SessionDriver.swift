import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

typealias ZooKeeperPromise = EventLoopPromise<ZooKeeperResponse>

/// Runs the connection state machine on one event loop and performs its actions: opens and closes
/// connections (all on that loop), writes frames, completes promises, publishes session events and
/// calls watchers. Everything but `status` is touched only on `eventLoop`, hence @unchecked.
final class SessionDriver: @unchecked Sendable {
    typealias Machine = ConnectionStateMachine<ZooKeeperPromise, ZooKeeperWatcher>

    /// What the client reports about its session, readable from any thread.
    struct Status: Sendable {
        var credentials: SessionCredentials?
        var negotiatedTimeout: TimeAmount?
        var server: String?
        var ended = false
    }

    let eventLoop: any EventLoop
    let status = NIOLockedValueBox(Status())
    private var machine: Machine
    private var logger: Logger
    private let tickInterval: TimeAmount
    private let maxFrameLength: Int
    private let events: AsyncStream<SessionEvent>.Continuation
    private var channel: (any Channel)?
    /// Bumped for each connection attempt and each close, so late events of old ones are dropped.
    private var attempt: UInt64 = 0
    private var ticker: RepeatedTask?
    private var firstConnection: EventLoopPromise<Void>?
    private var backlog = CircularBuffer<Machine.Action>()
    private var running = false

    init(
        configuration: Machine.Configuration, eventLoop: any EventLoop, maxFrameLength: Int, logger: Logger,
        events: AsyncStream<SessionEvent>.Continuation
    ) {
        self.eventLoop = eventLoop
        self.machine = Machine(configuration: configuration)
        self.logger = logger
        self.maxFrameLength = maxFrameLength
        self.events = events
        // Fine enough for pings at a third of the timeout and for the expiry check.
        let nanos = configuration.sessionTimeout.nanoseconds / 40
        self.tickInterval = .nanoseconds(min(max(nanos, 5_000_000), 100_000_000))
    }

    /// Starts the session; the future completes with the first connection (or the reason there
    /// was none).
    func start() -> EventLoopFuture<Void> {
        eventLoop.flatSubmit { [self] in
            let promise = eventLoop.makePromise(of: Void.self)
            firstConnection = promise
            ticker = eventLoop.scheduleRepeatedTask(initialDelay: tickInterval, delay: tickInterval) { [self] _ in
                run(machine.tick(now: .now()))
            }
            run(machine.start(now: .now()))
            return promise.futureResult
        }
    }

    func submit(_ request: ZooKeeperRequest, watcher: ZooKeeperWatcher?) -> EventLoopFuture<ZooKeeperResponse> {
        let promise = eventLoop.makePromise(of: ZooKeeperResponse.self)
        eventLoop.execute { [self] in
            run(machine.submit(Machine.Call(request: request, promise: promise, watcher: watcher), now: .now()))
        }
        return promise.futureResult
    }

    func close() -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: ZooKeeperResponse.self)
        eventLoop.execute { [self] in run(machine.close(promise: promise, now: .now())) }
        return promise.futureResult.map { _ in }
    }

    // MARK: Connection events (from ZooKeeperChannelHandler, on eventLoop)

    func connectionActive(_ channel: any Channel, attempt: UInt64) -> Bool {
        guard attempt == self.attempt else { return false }
        self.channel = channel
        run(machine.connectionEstablished(now: .now()))
        return true
    }

    func frameReceived(_ frame: ByteBuffer, attempt: UInt64) {
        guard attempt == self.attempt else { return }
        run(machine.frameReceived(frame, now: .now()))
    }

    func connectionInactive(attempt: UInt64) {
        guard attempt == self.attempt else { return }
        channel = nil
        logger.debug("zookeeper connection closed", metadata: ["zk.server": "\(status.withLockedValue { $0.server } ?? "-")"])
        run(machine.connectionLost(now: .now()))
    }

    func connectionFailed(_ error: any Error, attempt: UInt64) {
        guard attempt == self.attempt else { return }
        logger.debug("zookeeper connection error", metadata: ["error": "\(error)"])
    }

    // MARK: Actions

    /// Performs actions in order. An action may cause an event (a connect failing at once, a close
    /// firing channelInactive); its actions wait until the current ones are done.
    private func run(_ actions: [Machine.Action]) {
        backlog.append(contentsOf: actions)
        guard !running else { return }
        running = true
        defer { running = false }
        while let action = backlog.popFirst() { perform(action) }
    }

    private func perform(_ action: Machine.Action) {
        switch action {
        case .connect(let server, let timeout):
            connect(to: server, timeout: timeout)
        case .write(let buffer):
            channel?.writeAndFlush(buffer, promise: nil)
        case .closeConnection(let reason):
            attempt &+= 1
            if let channel {
                logger.debug("closing zookeeper connection", metadata: ["reason": "\(reason)"])
                channel.close(promise: nil)
            }
            channel = nil
        case .succeed(let promise, let response):
            promise.succeed(response)
        case .fail(let promise, let error):
            promise.fail(error)
        case .sessionEvent(let event):
            publish(event)
        case .fireWatch(let event, let watchers):
            for watcher in watchers { watcher.deliver(event) }
        case .endWatchers(let watchers):
            for watcher in watchers { watcher.sessionEnded() }
        }
    }

    private func connect(to server: ServerAddress, timeout: TimeAmount) {
        attempt &+= 1
        let attempt = self.attempt
        let maxFrameLength = self.maxFrameLength
        logger.debug("connecting to zookeeper", metadata: ["zk.server": "\(server)"])
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(ZooKeeperFrameDecoder(maxFrameLength: maxFrameLength)),
                        ZooKeeperChannelHandler(driver: self, attempt: attempt))
                }
            }
            .connect(host: server.host, port: server.port)
            .whenFailure { [self] error in
                guard attempt == self.attempt else { return }
                logger.debug("zookeeper connect failed", metadata: ["zk.server": "\(server)", "error": "\(error)"])
                run(machine.connectionLost(now: .now()))
            }
    }

    private func publish(_ event: SessionEvent) {
        let sessionID = machine.sessionID
        let password = machine.password
        let negotiated = machine.negotiatedTimeout
        status.withLockedValue { status in
            status.credentials = sessionID == 0 ? nil : SessionCredentials(id: sessionID, password: password)
            status.negotiatedTimeout = negotiated
            switch event {
            case .connected(let server, _): status.server = server
            case .disconnected: status.server = nil
            case .expired, .closed:
                status.server = nil
                status.ended = true
            }
        }
        logger[metadataKey: "zk.session"] = "\(Self.hex(sessionID))"
        switch event {
        case .connected(let server, _):
            logger.info(
                "zookeeper session connected",
                metadata: ["zk.server": "\(server)", "zk.timeout_ms": "\(negotiated?.milliseconds ?? 0)"])
            firstConnection?.succeed()
            firstConnection = nil
        case .disconnected:
            logger.warning("zookeeper connection lost; reconnecting with the same session")
        case .expired, .closed:
            if event == .expired { logger.warning("zookeeper session expired") } else { logger.info("zookeeper session closed") }
            ticker?.cancel()
            ticker = nil
            if case .ended(let reason) = machine.phase { firstConnection?.fail(Machine.error(for: reason)) }
            firstConnection = nil
        }
        events.yield(event)
        if case .expired = event { events.finish() } else if case .closed = event { events.finish() }
    }

    static func hex(_ id: Int64) -> String { "0x" + String(UInt64(bitPattern: id), radix: 16) }
}

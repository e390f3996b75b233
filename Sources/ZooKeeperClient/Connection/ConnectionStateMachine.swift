import NIOCore

/// The session and connection logic of the client, without I/O: each method takes an event (with
/// the current time) and returns the actions the driver performs, in order.
///
/// One session lives across many connections. The machine connects to the servers in turn, opens
/// or resumes the session (ConnectRequest with id + password), re-registers its watches
/// (SetWatches), pings at a third of the negotiated timeout, drops a connection that stays silent
/// for two thirds of it, and declares the session expired when the server says so or when no server
/// answered within the whole timeout. Requests sent on a connection that drops fail with
/// CONNECTIONLOSS; requests made while reconnecting wait for the next connection.
///
/// `Promise` is what completes a caller's request; `Watcher` receives watch events. Both are
/// opaque here, so tests drive the machine with plain values.
struct ConnectionStateMachine<Promise, Watcher: Hashable> {
    struct Configuration {
        var servers: [ServerAddress]
        /// What the client asks for; the server may negotiate it down or up.
        var sessionTimeout: TimeAmount
        /// Pause after every server failed once in a row, before the next round.
        var reconnectDelay: TimeAmount
        var canBeReadOnly: Bool = false
        /// A session to resume instead of opening a new one.
        var resume: SessionCredentials?
    }

    /// A caller's request and where its answer goes.
    struct Call {
        var request: ZooKeeperRequest
        var promise: Promise
        /// Registered when the request succeeds (a watching exists/getData/getChildren).
        var watcher: Watcher?
    }

    enum Action {
        case connect(ServerAddress, timeout: TimeAmount)
        case write(ByteBuffer)
        case closeConnection(reason: String)
        case succeed(Promise, ZooKeeperResponse)
        case fail(Promise, ZooKeeperError)
        case sessionEvent(SessionEvent)
        case fireWatch(WatchEvent, [Watcher])
        /// These watchers' events will never come: the session ended.
        case endWatchers([Watcher])
    }

    enum EndReason: Equatable {
        case expired
        case closed
        /// The first connection never succeeded within the session timeout.
        case neverConnected
    }

    enum Phase {
        case idle
        case connecting(server: Int, since: NIODeadline)
        case handshaking(server: Int, since: NIODeadline)
        case connected(server: Int)
        case waitingToReconnect(until: NIODeadline)
        case closing(since: NIODeadline, promise: Promise?)
        case ended(EndReason)
    }

    enum PendingKind {
        case call(Call)
        case setWatches
        case closeSession
    }

    struct Pending {
        var xid: Int32
        var kind: PendingKind
    }

    let configuration: Configuration
    var phase: Phase = .idle
    var sessionID: Int64 = 0
    var password: [UInt8] = Array(repeating: 0, count: 16)
    var negotiatedTimeout: TimeAmount?
    var lastZxid: Int64 = 0
    var startedAt = NIODeadline.uptimeNanoseconds(0)
    var lastHeard = NIODeadline.uptimeNanoseconds(0)
    var lastSent = NIODeadline.uptimeNanoseconds(0)
    var nextXid: Int32 = 1
    /// Sent and not yet answered, in send order (the server answers in order).
    var pending = CircularBuffer<Pending>()
    /// Made while no connection carries the session; sent after the next handshake.
    var queued = CircularBuffer<Call>()
    var watches = WatchRegistry<Watcher>()
    var serverCursor = 0
    var failedAttempts = 0
    let allocator = ByteBufferAllocator()

    init(configuration: Configuration) {
        precondition(!configuration.servers.isEmpty, "validated by ZooKeeperClient.Configuration")
        self.configuration = configuration
        if let resume = configuration.resume {
            sessionID = resume.id
            password = resume.password
        }
    }

    // MARK: Timeouts (as the Java client derives them from the negotiated timeout)

    var sessionTimeout: TimeAmount { negotiatedTimeout ?? configuration.sessionTimeout }
    var readTimeout: TimeAmount { .nanoseconds(sessionTimeout.nanoseconds * 2 / 3) }
    var pingInterval: TimeAmount { .nanoseconds(sessionTimeout.nanoseconds / 3) }
    var connectTimeout: TimeAmount {
        .nanoseconds(max(sessionTimeout.nanoseconds / Int64(configuration.servers.count), 50_000_000))
    }

    var currentServer: ServerAddress? {
        if case .connected(let server) = phase { return configuration.servers[server] }
        return nil
    }

    var isEnded: Bool {
        if case .ended = phase { return true }
        return false
    }

    // MARK: Events from the owner

    mutating func start(now: NIODeadline) -> [Action] {
        guard case .idle = phase else { return [] }
        startedAt = now
        lastHeard = now
        return connectToCursor(now: now)
    }

    mutating func submit(_ call: Call, now: NIODeadline) -> [Action] {
        switch phase {
        case .ended(let reason):
            return [.fail(call.promise, Self.error(for: reason))]
        case .closing:
            return [.fail(call.promise, .sessionExpired("the client is closing"))]
        case .connected:
            var buffer = allocator.buffer(capacity: 64)
            send(call, into: &buffer)
            lastSent = now
            return [.write(buffer)]
        case .idle, .connecting, .handshaking, .waitingToReconnect:
            queued.append(call)
            return []
        }
    }

    /// Closes the session: on a live connection the server is told (closeSession) so it deletes
    /// the ephemeral nodes at once; otherwise the session just ends here and the server expires it.
    mutating func close(promise: Promise, now: NIODeadline) -> [Action] {
        switch phase {
        case .connected:
            var buffer = allocator.buffer(capacity: 16)
            let xid = takeXid()
            ZooKeeperFraming.writeRequest(.closeSession, xid: xid, into: &buffer)
            pending.append(Pending(xid: xid, kind: .closeSession))
            phase = .closing(since: now, promise: promise)
            lastSent = now
            return [.write(buffer)]
        case .closing, .ended:
            return [.succeed(promise, .empty)]
        case .idle, .connecting, .handshaking, .waitingToReconnect:
            return end(.closed) + [.succeed(promise, .empty)]
        }
    }

    // MARK: Events from the connection

    mutating func connectionEstablished(now: NIODeadline) -> [Action] {
        guard case .connecting(let server, let since) = phase else { return [] }
        phase = .handshaking(server: server, since: since)
        let request = ConnectRequest(
            lastZxidSeen: lastZxid, timeoutMs: Int32(clamping: configuration.sessionTimeout.nanoseconds / 1_000_000),
            sessionID: sessionID, password: password, readOnly: configuration.canBeReadOnly)
        var buffer = allocator.buffer(capacity: 64)
        ZooKeeperFraming.writeConnect(request, into: &buffer)
        lastSent = now
        return [.write(buffer)]
    }

    /// The connection (or the attempt to make one) is gone.
    mutating func connectionLost(now: NIODeadline) -> [Action] {
        switch phase {
        case .connecting, .handshaking:
            return attemptFailed(now: now)
        case .connected:
            return disconnected(now: now)
        case .closing:
            return end(.closed)
        case .idle, .waitingToReconnect, .ended:
            return []
        }
    }

    mutating func frameReceived(_ frame: ByteBuffer, now: NIODeadline) -> [Action] {
        switch phase {
        case .handshaking(let server, _):
            return handshakeAnswered(frame, server: server, now: now)
        case .connected, .closing:
            lastHeard = now
            return replyReceived(frame, now: now)
        case .idle, .connecting, .waitingToReconnect, .ended:
            return []
        }
    }

    /// Called every few milliseconds by the driver: pings, silence and expiry checks, reconnect pacing.
    mutating func tick(now: NIODeadline) -> [Action] {
        switch phase {
        case .idle, .ended:
            return []
        case .connecting(_, let since), .handshaking(_, let since):
            if let expiry = expireIfOverdue(now: now) { return expiry }
            guard now - since >= connectTimeout else { return [] }
            return [.closeConnection(reason: "no session established within \(connectTimeout.milliseconds) ms")]
                + attemptFailed(now: now)
        case .waitingToReconnect(let until):
            if let expiry = expireIfOverdue(now: now) { return expiry }
            return now >= until ? connectToCursor(now: now) : []
        case .connected:
            if now - lastHeard >= readTimeout {
                return [.closeConnection(reason: "server silent for \(readTimeout.milliseconds) ms")]
                    + disconnected(now: now)
            }
            guard now - lastSent >= pingInterval else { return [] }
            var buffer = allocator.buffer(capacity: 12)
            ZooKeeperFraming.writeRequest(.ping, xid: Xid.ping, into: &buffer)
            lastSent = now
            return [.write(buffer)]
        case .closing(let since, _):
            return now - since >= readTimeout ? end(.closed) : []
        }
    }
}

extension TimeAmount {
    var milliseconds: Int64 { nanoseconds / 1_000_000 }
}

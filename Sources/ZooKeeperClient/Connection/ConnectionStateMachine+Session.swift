import NIOCore

// Connecting, reconnecting and ending the session.
extension ConnectionStateMachine {
    mutating func connectToCursor(now: NIODeadline) -> [Action] {
        phase = .connecting(server: serverCursor, since: now)
        return [.connect(configuration.servers[serverCursor], timeout: connectTimeout)]
    }

    /// A connect or handshake failed: try the next server, pausing after a full round of failures.
    mutating func attemptFailed(now: NIODeadline) -> [Action] {
        failedAttempts += 1
        serverCursor = (serverCursor + 1) % configuration.servers.count
        if failedAttempts >= configuration.servers.count {
            failedAttempts = 0
            phase = .waitingToReconnect(until: now + configuration.reconnectDelay)
            return []
        }
        return connectToCursor(now: now)
    }

    /// A connection carrying the session dropped: in-flight calls fail (their outcome is unknown),
    /// the owner hears `.disconnected`, and the next server is tried at once.
    mutating func disconnected(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        while let entry = pending.popFirst() {
            if case .call(let call) = entry.kind {
                actions.append(.fail(call.promise, .connectionLoss("the connection dropped before the answer", path: call.request.path)))
            }
        }
        actions.append(.sessionEvent(.disconnected))
        failedAttempts = 0
        serverCursor = (serverCursor + 1) % configuration.servers.count
        return actions + connectToCursor(now: now)
    }

    mutating func handshakeAnswered(_ frame: ByteBuffer, server: Int, now: NIODeadline) -> [Action] {
        var frame = frame
        guard let response = try? ConnectResponse(from: &frame) else {
            return [.closeConnection(reason: "unreadable ConnectResponse")] + attemptFailed(now: now)
        }
        guard response.timeoutMs > 0 else { return end(.expired) }
        sessionID = response.sessionID
        password = response.password
        negotiatedTimeout = .milliseconds(Int64(response.timeoutMs))
        lastHeard = now
        lastSent = now
        failedAttempts = 0
        phase = .connected(server: server)

        var actions: [Action] = [
            .sessionEvent(.connected(server: configuration.servers[server].description, sessionID: sessionID))
        ]
        var buffer = allocator.buffer(capacity: 256)
        // Watches first: the server applies them before anything sent after them.
        for request in watches.setWatchesRequests(relativeZxid: lastZxid) {
            ZooKeeperFraming.writeRequest(.setWatches(request), xid: Xid.setWatches, into: &buffer)
            pending.append(Pending(xid: Xid.setWatches, kind: .setWatches))
        }
        while let call = queued.popFirst() { send(call, into: &buffer) }
        if buffer.readableBytes > 0 { actions.append(.write(buffer)) }
        return actions
    }

    /// Ends the session when no server answered for the whole timeout (or, before the first
    /// session, when none could be reached within the requested timeout).
    mutating func expireIfOverdue(now: NIODeadline) -> [Action]? {
        if sessionID != 0 {
            return now - lastHeard >= sessionTimeout ? end(.expired) : nil
        }
        return now - startedAt >= configuration.sessionTimeout ? end(.neverConnected) : nil
    }

    /// The session is over: every call still waiting fails, the owner hears why, and the watchers
    /// that could still have fired learn that they never will.
    mutating func end(_ reason: EndReason) -> [Action] {
        var actions: [Action] = []
        var closePromise: Promise?
        switch phase {
        case .connecting, .handshaking, .connected:
            actions.append(.closeConnection(reason: "session \(reason)"))
        case .closing(_, let promise):
            actions.append(.closeConnection(reason: "session closed"))
            closePromise = promise
        case .idle, .waitingToReconnect, .ended:
            break
        }
        phase = .ended(reason)
        let error = Self.error(for: reason)
        var watchers = watches.removeAll()
        while let entry = pending.popFirst() {
            guard case .call(let call) = entry.kind else { continue }
            actions.append(.fail(call.promise, error))
            if let watcher = call.watcher { watchers.insert(watcher) }
        }
        while let call = queued.popFirst() {
            actions.append(.fail(call.promise, error))
            if let watcher = call.watcher { watchers.insert(watcher) }
        }
        actions.append(.sessionEvent(reason == .expired ? .expired : .closed))
        if let closePromise { actions.append(.succeed(closePromise, .empty)) }
        if !watchers.isEmpty { actions.append(.endWatchers(Array(watchers))) }
        return actions
    }

    static func error(for reason: EndReason) -> ZooKeeperError {
        switch reason {
        case .expired: .sessionExpired("the session expired")
        case .closed: .sessionExpired("the client is closed")
        case .neverConnected: .connectionLoss("no server could be reached within the session timeout")
        }
    }

    mutating func send(_ call: Call, into buffer: inout ByteBuffer) {
        let xid = takeXid()
        ZooKeeperFraming.writeRequest(call.request, xid: xid, into: &buffer)
        pending.append(Pending(xid: xid, kind: .call(call)))
    }

    mutating func takeXid() -> Int32 {
        let xid = nextXid
        nextXid = nextXid == Int32.max ? 1 : nextXid + 1
        return xid
    }
}

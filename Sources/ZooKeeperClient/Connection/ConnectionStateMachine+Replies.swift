import NIOCore

// Frames on an established connection: replies, pings and notifications.
extension ConnectionStateMachine {
    mutating func replyReceived(_ frame: ByteBuffer, now: NIODeadline) -> [Action] {
        var frame = frame
        guard let header = try? ReplyHeader(from: &frame) else {
            return dropConnection("unreadable reply header", now: now)
        }
        switch header.xid {
        case Xid.notification:
            return notificationReceived(&frame, now: now)
        case Xid.ping, Xid.auth:
            return []
        default:
            guard let first = pending.first, first.xid == header.xid else {
                let expected = pending.first.map { "\($0.xid)" } ?? "none"
                return dropConnection("reply xid \(header.xid) out of order (expected \(expected))", now: now)
            }
            pending.removeFirst()
            if header.zxid > 0 { lastZxid = header.zxid }
            switch first.kind {
            case .setWatches:
                return []
            case .closeSession:
                return end(.closed)
            case .call(let call):
                switch call.request.decodeReply(err: header.err, body: &frame) {
                case .success(let response):
                    if let watcher = call.watcher { registerWatch(watcher, for: call.request, response: response) }
                    return [.succeed(call.promise, response)]
                case .failure(let error):
                    return [.fail(call.promise, error)]
                }
            }
        }
    }

    private mutating func notificationReceived(_ frame: inout ByteBuffer, now: NIODeadline) -> [Action] {
        guard let message = try? WatcherEventMessage(from: &frame) else {
            return dropConnection("unreadable notification", now: now)
        }
        // Other types (watch removed, session states) are not sent for the watches this client sets.
        guard let kind = WatchEvent.Kind(rawValue: message.type) else { return [] }
        let watchers = watches.trigger(kind, path: message.path)
        guard !watchers.isEmpty else { return [] }
        return [.fireWatch(WatchEvent(kind: kind, path: message.path), Array(watchers))]
    }

    /// Where ZooKeeper put the watch: exists on a missing node leaves an exist watch, on a present
    /// node a data watch.
    private mutating func registerWatch(_ watcher: Watcher, for request: ZooKeeperRequest, response: ZooKeeperResponse) {
        switch (request, response) {
        case (.exists(let r), .exists(let stat)): watches.add(watcher, path: r.path, kind: stat == nil ? .exist : .data)
        case (.getData(let r), _): watches.add(watcher, path: r.path, kind: .data)
        case (.getChildren(let r), _): watches.add(watcher, path: r.path, kind: .child)
        default: break
        }
    }

    /// A broken frame on a live connection: close it and carry on with the next server.
    private mutating func dropConnection(_ reason: String, now: NIODeadline) -> [Action] {
        if case .closing = phase { return [.closeConnection(reason: reason)] + end(.closed) }
        return [.closeConnection(reason: reason)] + disconnected(now: now)
    }
}

/// A fired watch. Watches are one-shot: after an event the caller reads again (and re-watches).
public struct WatchEvent: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Int32, Sendable, Hashable {
        case nodeCreated = 1
        case nodeDeleted = 2
        case nodeDataChanged = 3
        case nodeChildrenChanged = 4
    }

    public var kind: Kind
    public var path: String

    public init(kind: Kind, path: String) {
        self.kind = kind
        self.path = path
    }

    public var description: String { "\(kind) \(path)" }
}

/// What happens to the client's session, in order.
public enum SessionEvent: Sendable, Hashable {
    /// A connection to `server` carries the session (first connect and every reconnect).
    case connected(server: String, sessionID: Int64)
    /// The connection dropped; the client is reconnecting with the same session. Calls made now wait
    /// for the reconnect; calls that were in flight failed with `connectionLoss`.
    case disconnected
    /// The session is gone: the server expired it (ephemeral nodes deleted), or no server could be
    /// reached within the session timeout. The client refuses every call with `sessionExpired`;
    /// the owner creates a new client.
    case expired
    /// The owner closed the client (the server deleted the session's ephemeral nodes).
    case closed
}

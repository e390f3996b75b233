/// How `create` makes a node. Every node gets the open ACL (world:anyone, all permissions).
public enum CreateMode: Sendable, Hashable, CaseIterable {
    case persistent
    /// Deleted by the server when the creating session ends (closed or expired).
    case ephemeral
    /// The server appends a 10-digit, zero-padded counter of the parent to the name.
    case persistentSequential
    case ephemeralSequential

    /// The `flags` field of CreateRequest (CreateMode.toFlag in the Java client).
    var flags: Int32 {
        switch self {
        case .persistent: 0
        case .ephemeral: 1
        case .persistentSequential: 2
        case .ephemeralSequential: 3
        }
    }

    init?(flags: Int32) {
        guard let mode = Self.allCases.first(where: { $0.flags == flags }) else { return nil }
        self = mode
    }

    public var isEphemeral: Bool { self == .ephemeral || self == .ephemeralSequential }
    public var isSequential: Bool { self == .persistentSequential || self == .ephemeralSequential }
}

/// A node's data with its Stat, as read by `getData`.
public struct NodeData: Sendable, Hashable {
    public var data: [UInt8]
    public var stat: Stat

    public init(data: [UInt8], stat: Stat) {
        self.data = data
        self.stat = stat
    }
}

/// A node's children (names relative to the node, in the server's order) with the node's Stat.
public struct NodeChildren: Sendable, Hashable {
    public var names: [String]
    public var stat: Stat

    public init(names: [String], stat: Stat) {
        self.names = names
        self.stat = stat
    }
}

/// A session's identity: enough to resume it on another connection within its timeout.
public struct SessionCredentials: Sendable, Hashable {
    public var id: Int64
    public var password: [UInt8]

    public init(id: Int64, password: [UInt8]) {
        self.id = id
        self.password = password
    }
}

/// An ACL entry. Petrel creates every node with `openUnsafe` (world:anyone, all permissions).
struct ACL: Sendable, Hashable {
    var perms: Int32
    var scheme: String
    var id: String

    static let permsAll: Int32 = 31  // READ | WRITE | CREATE | DELETE | ADMIN
    static let openUnsafe = [ACL(perms: permsAll, scheme: "world", id: "anyone")]
}

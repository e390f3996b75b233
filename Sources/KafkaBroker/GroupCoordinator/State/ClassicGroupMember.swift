import KafkaProtocol
import NIOCore

/// One protocol a classic member supports (JoinGroup's protocols, in preference order).
public struct ClassicProtocol: Sendable, Hashable {
    public var name: String
    public var metadata: ByteBuffer

    public init(name: String, metadata: ByteBuffer) {
        self.name = name
        self.metadata = metadata
    }
}

/// A member of a classic group (Kafka's ClassicGroupMember). The fields a GroupMetadata record
/// stores come first; the flags after them exist only while the member waits in a rebalance.
public struct ClassicGroupMember: Sendable, Equatable {
    public var memberId: String
    public var groupInstanceId: String?
    public var clientId: String
    public var clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var sessionTimeoutMs: Int32
    public var protocolType: String
    /// In the member's order of preference.
    public var supportedProtocols: [ClassicProtocol]
    /// What the leader assigned it; empty until the leader's SyncGroup.
    public var assignment: ByteBuffer

    /// A JoinGroup of this member is parked until the join phase completes.
    public var isAwaitingJoin = false
    /// A SyncGroup of this member is parked until the leader's assignment is stored.
    public var isAwaitingSync = false
    /// Joined in the current rebalance and has not had a join response yet: its session can
    /// expire even while it waits.
    public var isNew = false

    public init(
        memberId: String, groupInstanceId: String? = nil, clientId: String = "", clientHost: String = "",
        rebalanceTimeoutMs: Int32 = 0, sessionTimeoutMs: Int32 = 0, protocolType: String = "consumer",
        supportedProtocols: [ClassicProtocol] = [], assignment: ByteBuffer = ByteBuffer()
    ) {
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.sessionTimeoutMs = sessionTimeoutMs
        self.protocolType = protocolType
        self.supportedProtocols = supportedProtocols
        self.assignment = assignment
    }

    public var isStatic: Bool { groupInstanceId != nil }

    /// The metadata it sent for `protocolName`, if it supports it.
    public func metadata(for protocolName: String?) -> ByteBuffer? {
        guard let protocolName else { return nil }
        return supportedProtocols.first { $0.name == protocolName }?.metadata
    }

    /// Same protocols, same metadata, same order (Kafka's ClassicGroupMember.matches).
    public func matches(_ protocols: [ClassicProtocol]) -> Bool { protocols == supportedProtocols }

    /// Its first preference among `candidates`.
    func vote(_ candidates: Set<String>) -> String? {
        supportedProtocols.first { candidates.contains($0.name) }?.name
    }

    /// Whether a session timeout may pass without removing it (Kafka's hasSatisfiedHeartbeat):
    /// members waiting in a rebalance are excused, except brand-new ones.
    var hasSatisfiedHeartbeat: Bool {
        isNew ? false : (isAwaitingJoin || isAwaitingSync)
    }
}

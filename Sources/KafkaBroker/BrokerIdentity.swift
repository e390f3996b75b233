/// Who this broker is on the wire: its id and the address clients should use.
public struct BrokerIdentity: Sendable {
    public var nodeId: Int32
    public var host: String
    public var port: Int32
    public var rack: String?

    public init(nodeId: Int32, host: String, port: Int32, rack: String? = nil) {
        self.nodeId = nodeId
        self.host = host
        self.port = port
        self.rack = rack
    }
}

/// What the broker does with a request for a topic that does not exist.
public struct TopicDefaults: Sendable {
    public var autoCreate: Bool
    public var partitions: Int32
    public var replicationFactor: Int16

    public init(autoCreate: Bool, partitions: Int32, replicationFactor: Int16) {
        self.autoCreate = autoCreate
        self.partitions = partitions
        self.replicationFactor = replicationFactor
    }
}

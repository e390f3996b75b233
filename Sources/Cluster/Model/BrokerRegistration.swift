/// One advertised listener of a broker, as Kafka writes it in `/brokers/ids/<id>`:
/// `LISTENER://host:port`, plus the listener's security protocol.
public struct BrokerEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var listener: String
    public var host: String
    public var port: Int
    public var securityProtocol: String

    public init(listener: String = "PLAINTEXT", host: String, port: Int, securityProtocol: String = "PLAINTEXT") {
        self.listener = listener
        self.host = host
        self.port = port
        self.securityProtocol = securityProtocol
    }

    /// `PLAINTEXT://host:9092` (IPv6 hosts in brackets).
    public var connectionString: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(listener)://\(hostPart):\(port)"
    }

    public var description: String { connectionString }

    /// Parses `LISTENER://host:port`; nil when it is not of that shape.
    public init?(connectionString: String, securityProtocol: String? = nil) {
        guard let separator = connectionString.range(of: "://") else { return nil }
        let listener = String(connectionString[..<separator.lowerBound])
        let address = connectionString[separator.upperBound...]
        guard !listener.isEmpty, let colon = address.lastIndex(of: ":"),
            let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port)
        else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(listener: listener, host: host, port: port, securityProtocol: securityProtocol ?? listener)
    }
}

/// A live broker as the cluster metadata knows it: an ephemeral registration that lasts as long
/// as the broker's metadata session.
public struct BrokerRegistration: Sendable, Hashable {
    public var id: Int32
    /// `broker.rack`; replica assignment spreads replicas over racks when every broker has one.
    public var rack: String?
    public var endpoints: [BrokerEndpoint]
    /// Kafka's broker epoch: the store's transaction id of the registration (ZooKeeper: the
    /// znode's czxid). Set by the store; a broker that re-registers gets a larger one, which is
    /// how the controller tells a bounced broker from one that never left.
    public var epoch: Int64
    /// Registration time, milliseconds since the epoch.
    public var timestamp: Int64

    public init(id: Int32, rack: String? = nil, endpoints: [BrokerEndpoint], epoch: Int64 = -1, timestamp: Int64 = 0) {
        self.id = id
        self.rack = rack
        self.endpoints = endpoints
        self.epoch = epoch
        self.timestamp = timestamp
    }

    /// The endpoint of `listener`, or the first one.
    public func endpoint(listener: String? = nil) -> BrokerEndpoint? {
        guard let listener else { return endpoints.first }
        return endpoints.first { $0.listener == listener }
    }
}

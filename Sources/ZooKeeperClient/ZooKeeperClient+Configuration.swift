extension ZooKeeperClient {
    public struct Configuration: Sendable {
        /// The ensemble members. The client starts at one of them and moves to the next on failure.
        public var servers: [ServerAddress]
        /// Requested session timeout. The server clamps it to its [minSessionTimeout,
        /// maxSessionTimeout] (2 to 20 ticks unless configured). Pings go out every third of the
        /// negotiated timeout; a silent connection is dropped after two thirds of it.
        public var sessionTimeout: Duration
        /// Pause after every member failed once in a row, before trying them again.
        public var reconnectDelay: Duration
        /// Start at a random member (spreads clients over the ensemble); else at the first listed.
        public var shuffleServers: Bool
        /// Accept a member that lost quorum and serves reads only.
        public var canBeReadOnly: Bool
        /// Resume this session instead of opening a new one.
        public var resume: SessionCredentials?
        /// Largest frame accepted from a server.
        public var maxFrameLength: Int
        /// Largest request sent: servers drop connections whose frames exceed their jute.maxbuffer
        /// (1 MiB - 1 by default), so larger requests fail with `badArguments` instead.
        public var maxRequestLength: Int

        public init(
            servers: [ServerAddress], sessionTimeout: Duration = .seconds(10), reconnectDelay: Duration? = nil,
            shuffleServers: Bool = true, canBeReadOnly: Bool = false, resume: SessionCredentials? = nil,
            maxFrameLength: Int = 4 << 20, maxRequestLength: Int = 0xfffff
        ) {
            self.servers = servers
            self.sessionTimeout = sessionTimeout
            self.reconnectDelay = reconnectDelay ?? min(max(sessionTimeout / 20, .milliseconds(10)), .seconds(1))
            self.shuffleServers = shuffleServers
            self.canBeReadOnly = canBeReadOnly
            self.resume = resume
            self.maxFrameLength = maxFrameLength
            self.maxRequestLength = maxRequestLength
        }

        /// From ZooKeeper's connect string: `host:port,host:port,...`.
        public init(connectString: String, sessionTimeout: Duration = .seconds(10)) throws(ZooKeeperError) {
            self.init(servers: try ServerAddress.parseList(connectString), sessionTimeout: sessionTimeout)
        }

        func validate() throws(ZooKeeperError) {
            guard !servers.isEmpty else { throw .badArguments("the configuration lists no servers") }
            guard sessionTimeout > .zero else { throw .badArguments("the session timeout must be positive") }
            guard reconnectDelay >= .zero else { throw .badArguments("the reconnect delay must not be negative") }
        }
    }
}

/// One ensemble member, `host:port`.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses ZooKeeper's connect string, `host:port,host:port,...` (port 2181 when omitted,
    /// `[v6addr]:port` for IPv6). A chroot suffix (`/path`) is refused: this client does not
    /// support chroots.
    public static func parseList(_ connectString: String) throws(ZooKeeperError) -> [ServerAddress] {
        let trimmed = connectString.trimmingSpaces()
        if trimmed.contains("/") {
            throw .badArguments("connect string \"\(connectString)\": chroot suffixes are not supported")
        }
        var servers: [ServerAddress] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = String(part).trimmingSpaces()
            guard !entry.isEmpty else { throw .badArguments("connect string \"\(connectString)\" has an empty entry") }
            servers.append(try parse(entry, in: connectString))
        }
        return servers
    }

    private static func parse(_ entry: String, in connectString: String) throws(ZooKeeperError) -> ServerAddress {
        var host = entry
        var portText: Substring?
        if entry.hasPrefix("[") {
            guard let close = entry.firstIndex(of: "]") else {
                throw .badArguments("connect string \"\(connectString)\": unclosed [ in \"\(entry)\"")
            }
            host = String(entry[entry.index(after: entry.startIndex)..<close])
            let rest = entry[entry.index(after: close)...]
            if rest.hasPrefix(":") { portText = rest.dropFirst() } else if !rest.isEmpty {
                throw .badArguments("connect string \"\(connectString)\": bad entry \"\(entry)\"")
            }
        } else if let colon = entry.lastIndex(of: ":") {
            host = String(entry[..<colon])
            portText = entry[entry.index(after: colon)...]
        }
        var port = 2181
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw .badArguments("connect string \"\(connectString)\": bad port in \"\(entry)\"")
            }
            port = parsed
        }
        guard !host.isEmpty else { throw .badArguments("connect string \"\(connectString)\": no host in \"\(entry)\"") }
        return ServerAddress(host: host, port: port)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}

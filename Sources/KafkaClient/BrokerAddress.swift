/// A broker's network address.
public struct BrokerAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Parses a bootstrap list: `host:port[,host:port...]`, as in `bootstrap.servers`, and the
    /// Heroku KAFKA_URL form `kafka+ssl://host:port,kafka+ssl://host:port`. Schemes are
    /// stripped; IPv6 hosts are written in brackets (`[::1]:9092`).
    public static func parseList(_ text: String) throws(KafkaClientError) -> [BrokerAddress] {
        var out: [BrokerAddress] = []
        for rawEntry in text.split(separator: ",", omittingEmptySubsequences: true) {
            let entry = rawEntry.trimmingWhitespace()
            if entry.isEmpty { continue }
            out.append(try parse(String(entry), whole: text))
        }
        if out.isEmpty { throw KafkaClientError(.invalidBootstrap(text)) }
        return out
    }

    /// Parses one `[scheme://]host:port[/]` entry.
    public static func parse(_ entry: String, whole: String? = nil) throws(KafkaClientError) -> BrokerAddress {
        let fail = KafkaClientError(.invalidBootstrap(whole ?? entry))
        var rest = Substring(entry)
        if let scheme = rest.firstRange(of: "://") {
            rest = rest[scheme.upperBound...]
        }
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw fail }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            guard after.hasPrefix(":") else { throw fail }
            portText = after.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw fail }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            // An unbracketed IPv6 address is ambiguous.
            guard !host.contains(":") else { throw fail }
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else { throw fail }
        return BrokerAddress(host: String(host), port: port)
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return s
    }
}

/// One `NAME://host:port` entry of listeners / advertised.listeners.
public struct Listener: Sendable, Hashable {
    public var name: String
    /// Empty means every interface.
    public var host: String
    public var port: Int

    public init(name: String, host: String, port: Int) {
        self.name = name
        self.host = host
        self.port = port
    }

    static func isWildcard(_ host: String) -> Bool {
        host.isEmpty || host == "0.0.0.0" || host == "::"
    }

    /// Parses a comma-separated list; IPv6 hosts go in brackets (PLAINTEXT://[::1]:9092).
    static func parseList(_ text: String, key: String) throws(ConfigError) -> [Listener] {
        var out: [Listener] = []
        for entry in ConfigValue.splitList(text) {
            let listener = try parse(entry, key: key)
            if out.contains(where: { $0.name == listener.name }) {
                throw .invalidValue(key, text, "Each listener must have a different name, but \(listener.name) appears twice")
            }
            out.append(listener)
        }
        return out
    }

    static func parse(_ entry: String, key: String) throws(ConfigError) -> Listener {
        let shape = "Expected NAME://host:port, such as PLAINTEXT://127.0.0.1:9092"
        guard let schemeEnd = entry.range(of: "://") else { throw .invalidValue(key, entry, shape) }
        let name = String(entry[..<schemeEnd.lowerBound]).uppercased()
        let address = entry[schemeEnd.upperBound...]
        guard !name.isEmpty, let colon = address.lastIndex(of: ":") else { throw .invalidValue(key, entry, shape) }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(address[address.index(after: colon)...]), (0...65535).contains(port) else {
            throw .invalidValue(key, entry, "The port must be a number from 0 to 65535, as in PLAINTEXT://127.0.0.1:9092")
        }
        return Listener(name: name, host: host, port: port)
    }
}

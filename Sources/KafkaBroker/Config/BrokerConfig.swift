import Foundation

/// The broker's static configuration, Kafka-style: properties from a file plus `--set`
/// overrides, every known key parsed and checked at load so a bad value stops startup with one
/// sentence naming the key. All raw properties are kept, known or not.
public struct BrokerConfig: Sendable {
    /// Every property as given (keys and values trimmed), including keys Petrel does not know.
    public let properties: [String: String]
    /// Parsed values of the known keys that are set.
    let setValues: [String: ConfigValue]
    /// Broker-level value of every topic key (its default for topics without an override).
    let topicDefaults: [String: ConfigValue]

    public let nodeId: Int32
    public let listeners: [Listener]
    public let listenerHost: String
    public let listenerPort: Int
    public let advertisedHost: String
    public let advertisedPort: Int
    /// log.dirs, else log.dir; empty when neither is set (the caller picks its own default).
    public let logDirs: [String]

    public init(properties: [String: String]) throws(ConfigError) {
        var trimmed: [String: String] = [:]
        for (key, value) in properties {
            trimmed[key.trimmingASCIIWhitespace()] = value.trimmingASCIIWhitespace()
        }
        self.properties = trimmed
        var parsed: [String: ConfigValue] = [:]
        for key in trimmed.keys.sorted() {
            guard let def = BrokerConfigDefinitions.definition(key), let raw = trimmed[key] else { continue }
            parsed[key] = try def.parse(raw)
        }
        self.setValues = parsed
        self.topicDefaults = Self.resolveTopicDefaults(parsed)

        let node = parsed["node.id"]?.integer
        let broker = parsed["broker.id"]?.integer
        if let node, let broker, node != broker {
            throw ConfigError(
                key: "node.id", "node.id (\(node)) and broker.id (\(broker)) must be equal when both are set; remove one of them.")
        }
        self.nodeId = Int32(truncatingIfNeeded: node ?? broker ?? 1)

        let listenerText = trimmed["listeners"] ?? "PLAINTEXT://:9092"
        let listeners = try Listener.parseList(listenerText, key: "listeners")
        guard let primary = listeners.first else {
            throw .invalidValue("listeners", listenerText, "Expected at least one listener such as PLAINTEXT://127.0.0.1:9092")
        }
        self.listeners = listeners
        self.listenerHost = primary.host.isEmpty ? "0.0.0.0" : primary.host
        self.listenerPort = primary.port

        var advertised = primary
        if let text = trimmed["advertised.listeners"], !text.isEmpty {
            let all = try Listener.parseList(text, key: "advertised.listeners")
            if let bad = all.first(where: { $0.host == "0.0.0.0" || $0.host == "::" }) {
                throw .invalidValue(
                    "advertised.listeners", text,
                    "Clients cannot connect to \(bad.host); advertise a routable host name or address")
            }
            advertised = all.first { $0.name == primary.name } ?? all.first ?? primary
        }
        // Like Kafka, a wildcard address is advertised as this machine's host name.
        self.advertisedHost = Listener.isWildcard(advertised.host) ? ProcessInfo.processInfo.hostName : advertised.host
        self.advertisedPort = advertised.port

        let dirs = (trimmed["log.dirs"].map(ConfigValue.splitList) ?? []).filter { !$0.isEmpty }
        self.logDirs = dirs.isEmpty ? (trimmed["log.dir"].map { $0.isEmpty ? [] : [$0] } ?? []) : dirs
    }

    /// Reads `file` (if any), then applies `overrides` on top.
    public static func load(file: String?, overrides: [String: String] = [:]) throws(ConfigError) -> BrokerConfig {
        var properties: [String: String] = [:]
        if let file {
            guard FileManager.default.fileExists(atPath: file) else {
                throw ConfigError(key: nil, "The config file \(file) does not exist; check the --config path.")
            }
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigError(key: nil, "The config file \(file) cannot be read; check its permissions.")
            }
            // Java reads properties as ISO-8859-1; try UTF-8 first since that is what editors write.
            let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) ?? ""
            properties = try PropertiesParser.parse(text, source: file)
        }
        for (key, value) in overrides { properties[key] = value }
        if let connect = properties["zookeeper.connect"], !connect.isEmpty {
            for (key, value) in Self.clusterDefaults where properties[key] == nil { properties[key] = value }
        }
        return try BrokerConfig(properties: properties)
    }

    /// Defaults of a broker in a ZooKeeper cluster, where Kafka's single-node ones would leave
    /// data on one broker: three replicas for topics and the internal topics, and acks=-1 needing
    /// two of them (a topic with fewer replicas needs them all).
    static let clusterDefaults = [
        "default.replication.factor": "3", "min.insync.replicas": "2", "offsets.topic.replication.factor": "3",
        "transaction.state.log.replication.factor": "3",
    ]

    // MARK: lookups

    /// Whether the key was given (in the file or as an override).
    public func isSet(_ key: String) -> Bool { properties[key] != nil }

    /// A known key's value: as set, else its default; nil for keys without either.
    public func value(_ key: String) -> ConfigValue? {
        setValues[key] ?? BrokerConfigDefinitions.definition(key)?.parsedDefault
    }

    /// The broker-level value of a topic key, i.e. the topic's value when it has no override.
    public func topicDefault(_ topicKey: String) -> ConfigValue? { topicDefaults[topicKey] }

    public func int(_ key: String) -> Int64? { value(key)?.integer }
    public func bool(_ key: String) -> Bool? { value(key)?.bool }
    public func string(_ key: String) -> String? { value(key).map(\.canonical) }

    /// Keys that were given but that Petrel does not use (Kafka logs these as unknown).
    public var unrecognizedKeys: [String] {
        properties.keys.filter { BrokerConfigDefinitions.definition($0) == nil }.sorted()
    }

    /// For each topic key: the first set broker synonym (unit-converted), else the first synonym
    /// with a default, else the topic key's own default (KafkaConfig.extractLogConfigMap).
    static func resolveTopicDefaults(_ set: [String: ConfigValue]) -> [String: ConfigValue] {
        var out: [String: ConfigValue] = [:]
        for topic in TopicConfigDefinitions.all {
            var resolved: ConfigValue? = nil
            let chosen = topic.synonyms.first { set[$0.name] != nil } ?? topic.synonyms.first { $0.defaultValue != nil }
            if let synonym = chosen {
                let def = BrokerConfigDefinitions.definition(synonym.name)
                resolved = set[synonym.name] ?? def?.parsedDefault
                if synonym.unit != .same, let n = resolved?.integer {
                    resolved = .long(synonym.unit.toMillis(n) ?? .max)
                }
            }
            if var value = resolved ?? topic.parsedDefault {
                // Kafka maps any negative broker retention time to -1 (keep forever).
                if topic.name == "retention.ms", let n = value.integer, n < 0 { value = .long(-1) }
                if topic.type == .long, let n = value.integer { value = .long(n) }
                out[topic.name] = value
            }
        }
        return out
    }
}

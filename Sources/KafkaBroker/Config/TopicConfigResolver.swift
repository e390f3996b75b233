import KafkaProtocol

/// One synonym as DescribeConfigs lists it.
public struct ConfigSynonym: Sendable, Hashable {
    public var name: String
    public var value: String?
    public var source: ConfigSource

    public init(name: String, value: String?, source: ConfigSource) {
        self.name = name
        self.value = value
        self.source = source
    }
}

/// A topic key's effective value and where it comes from.
public struct ResolvedConfig: Sendable {
    public var definition: ConfigDefinition
    /// Canonical form (nil only for sensitive keys, which no topic key is).
    public var value: String?
    public var source: ConfigSource
    /// Highest priority first: the topic override, the broker keys set in the properties, then
    /// the broker keys' built-in defaults.
    public var synonyms: [ConfigSynonym]

    public var name: String { definition.name }
}

/// Topic configs against the broker's static configuration: effective values as DescribeConfigs
/// reports them, validation of overrides as CreateTopics and the alter APIs need it, and the
/// storage settings of a topic's logs.
public struct TopicConfigResolver: TopicConfigPolicy {
    public let broker: BrokerConfig

    public init(broker: BrokerConfig) {
        self.broker = broker
    }

    /// The effective value of `key` for a topic with these overrides; nil for unknown keys.
    ///
    /// Unlike Kafka, the time families keep their lower-priority synonyms (Kafka drops
    /// log.retention.hours when describing retention.ms), so the source is always the key that
    /// really supplied the value.
    public func effectiveValue(_ key: String, overrides: [String: String]) -> ResolvedConfig? {
        guard let def = TopicConfigDefinitions.definition(key) else { return nil }
        var synonyms: [ConfigSynonym] = []
        var value = broker.topicDefault(key)
        if let raw = overrides[key], let parsed = try? def.parse(raw) {
            value = parsed
            synonyms.append(ConfigSynonym(name: key, value: parsed.canonical, source: .dynamicTopicConfig))
        }
        for synonym in def.synonyms {
            if let raw = broker.properties[synonym.name] {
                synonyms.append(ConfigSynonym(name: synonym.name, value: raw, source: .staticBrokerConfig))
            }
        }
        for synonym in def.synonyms {
            if let fallback = synonym.defaultValue {
                synonyms.append(ConfigSynonym(name: synonym.name, value: fallback, source: .defaultConfig))
            }
        }
        let shown = def.isSensitive ? nil : (value ?? def.parsedDefault)?.canonical
        return ResolvedConfig(
            definition: def, value: shown, source: synonyms.first?.source ?? .defaultConfig, synonyms: synonyms)
    }

    /// Every topic key, sorted by name.
    public func effectiveValues(overrides: [String: String]) -> [ResolvedConfig] {
        TopicConfigDefinitions.all.compactMap { effectiveValue($0.name, overrides: overrides) }
    }

    /// nil if `configs` is a valid full set of topic overrides. Checks, in Kafka's order: every key
    /// is a topic key, every value parses and is in range, then the checks across keys.
    public func problem(with configs: [String: String]) -> ConfigError? {
        var parsed: [String: ConfigValue] = [:]
        for key in configs.keys.sorted() {
            guard let def = TopicConfigDefinitions.definition(key) else { return .unknownTopicConfig(key) }
            guard let raw = configs[key] else { continue }
            do {
                parsed[key] = try def.parse(raw)
            } catch {
                return error
            }
        }
        func effective(_ key: String) -> ConfigValue? { parsed[key] ?? broker.topicDefault(key) }
        if let minLag = effective("min.compaction.lag.ms")?.integer, let maxLag = effective("max.compaction.lag.ms")?.integer,
            minLag > maxLag
        {
            return ConfigError(
                key: "min.compaction.lag.ms",
                "conflict topic config setting min.compaction.lag.ms (\(minLag)) > max.compaction.lag.ms (\(maxLag))")
        }
        if effective("remote.storage.enable")?.bool == true {
            return ConfigError(
                key: "remote.storage.enable",
                "Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.")
        }
        return nil
    }

    // MARK: TopicConfigPolicy

    public func validate(_ overrides: [String: String]) -> BrokerError? {
        problem(with: overrides)?.brokerError
    }

    public func effectiveConfigs(_ overrides: [String: String]) -> [EffectiveConfig] {
        effectiveValues(overrides: overrides).map {
            EffectiveConfig(
                name: $0.name, value: $0.value, readOnly: $0.definition.readOnly, source: $0.source.rawValue,
                isSensitive: $0.definition.isSensitive)
        }
    }
}

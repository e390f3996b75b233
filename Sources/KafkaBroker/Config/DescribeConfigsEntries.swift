import KafkaProtocol

/// Builds DescribeConfigs entries for topics and for this broker (Kafka's ConfigHelper).
struct DescribeConfigsEntries {
    typealias Entry = DescribeConfigsResponse.DescribeConfigsResourceResult
    typealias Synonym = DescribeConfigsResponse.DescribeConfigsSynonym

    let resolver: TopicConfigResolver
    let includeSynonyms: Bool
    let includeDocumentation: Bool

    var broker: BrokerConfig { resolver.broker }

    /// Null or empty `keys` means every key; names that match nothing are left out.
    static func wanted(_ keys: [String]?) -> (String) -> Bool {
        guard let keys, !keys.isEmpty else { return { _ in true } }
        let set = Set(keys)
        return { set.contains($0) }
    }

    func topicEntries(overrides: [String: String], keys: [String]?) -> [Entry] {
        let include = Self.wanted(keys)
        return resolver.effectiveValues(overrides: overrides).filter { include($0.name) }.map { resolved in
            entry(
                name: resolved.name, value: resolved.value, source: resolved.source, synonyms: resolved.synonyms,
                definition: resolved.definition, readOnly: false)
        }
    }

    /// Every broker key Petrel knows plus every property given; keys Petrel does not know are
    /// reported as sensitive with no value, as Kafka does for keys it cannot type.
    func brokerEntries(keys: [String]?) -> [Entry] {
        let include = Self.wanted(keys)
        let names = Set(BrokerConfigDefinitions.all.map(\.name)).union(broker.properties.keys)
        return names.sorted().filter(include).map { name in
            guard let def = BrokerConfigDefinitions.definition(name) else {
                let synonyms = [ConfigSynonym(name: name, value: nil, source: .staticBrokerConfig)]
                return entry(
                    name: name, value: nil, source: .staticBrokerConfig, synonyms: synonyms, definition: nil, readOnly: true)
            }
            let synonyms = brokerSynonyms(of: name)
            let value = def.isSensitive ? nil : broker.value(name)?.canonical
            return entry(
                name: name, value: value, source: synonyms.first?.source ?? .defaultConfig, synonyms: synonyms,
                definition: def, readOnly: def.readOnly)
        }
    }

    /// Kafka's order for a broker key: the keys of its family set in the properties, then their
    /// defaults, dropping the higher-priority family members listed before the key itself
    /// (describing log.retention.hours does not show log.retention.ms).
    func brokerSynonyms(of name: String) -> [ConfigSynonym] {
        let family = BrokerConfigDefinitions.family(of: name)
        var all: [ConfigSynonym] = []
        for member in family {
            if let raw = broker.properties[member] {
                all.append(ConfigSynonym(name: member, value: raw, source: .staticBrokerConfig))
            }
        }
        for member in family {
            if let fallback = BrokerConfigDefinitions.definition(member)?.defaultValue {
                all.append(ConfigSynonym(name: member, value: fallback, source: .defaultConfig))
            }
        }
        let sensitive = BrokerConfigDefinitions.definition(name)?.isSensitive ?? true
        return all.drop { $0.name != name }.map { sensitive ? ConfigSynonym(name: $0.name, value: nil, source: $0.source) : $0 }
    }

    private func entry(
        name: String, value: String?, source: ConfigSource, synonyms: [ConfigSynonym], definition: ConfigDefinition?,
        readOnly: Bool
    ) -> Entry {
        Entry(
            name: name, value: value, readOnly: readOnly,
            isDefault: source == .defaultConfig, configSource: source.rawValue,
            isSensitive: definition?.isSensitive ?? true,
            synonyms: includeSynonyms ? synonyms.map { Synonym(name: $0.name, value: $0.value, source: $0.source.rawValue) } : [],
            configType: (definition?.type ?? .unknown).rawValue,
            documentation: includeDocumentation ? definition?.documentation : nil)
    }
}

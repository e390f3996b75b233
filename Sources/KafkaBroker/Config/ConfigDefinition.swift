/// One config key: its type, default, allowed values and documentation. Topic keys also list the
/// broker keys that supply their default, in Kafka's order of precedence.
public struct ConfigDefinition: Sendable {
    public var name: String
    public var type: ConfigType
    /// The built-in default in canonical form; nil when Kafka has none.
    public var defaultValue: String?
    public var validator: ConfigValidator
    /// For topic keys: the broker keys whose value is the topic default, highest priority first
    /// (ServerTopicConfigSynonyms). Empty for broker keys.
    public var synonyms: [BrokerSynonym]
    public var documentation: String
    public var isSensitive: Bool
    public var readOnly: Bool

    public init(
        _ name: String, _ type: ConfigType, default defaultValue: String?, _ validator: ConfigValidator = .none,
        synonyms: [BrokerSynonym] = [], isSensitive: Bool = false, readOnly: Bool = false, doc: String
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.validator = validator
        self.synonyms = synonyms
        self.documentation = doc
        self.isSensitive = isSensitive || type == .password
        self.readOnly = readOnly
    }

    /// Parses and checks a raw value for this key.
    public func parse(_ raw: String) throws(ConfigError) -> ConfigValue {
        let value = try ConfigValue.parse(raw, as: type, key: name)
        try validator.check(value, key: name)
        return value
    }

    /// The default, parsed (the table's defaults are valid by construction).
    public var parsedDefault: ConfigValue? {
        defaultValue.flatMap { try? ConfigValue.parse($0, as: type, key: name) }
    }
}

/// A broker key that sets a topic key's default, e.g. log.retention.hours for retention.ms.
public struct BrokerSynonym: Sendable {
    public var name: String
    public var unit: SynonymUnit
    /// The broker key's own default (nil when it has none, e.g. log.retention.ms).
    public var defaultValue: String?
    /// The broker key's own type and check, when they differ from the topic key's
    /// (the hour and minute forms are INTs).
    public var type: ConfigType?
    public var validator: ConfigValidator?

    public init(
        _ name: String, unit: SynonymUnit = .same, default defaultValue: String?,
        type: ConfigType? = nil, validator: ConfigValidator? = nil
    ) {
        self.name = name
        self.unit = unit
        self.defaultValue = defaultValue
        self.type = type
        self.validator = validator
    }
}

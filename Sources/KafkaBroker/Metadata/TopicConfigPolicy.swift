import KafkaProtocol

/// What topic admin needs from the configuration layer: validation of overrides and the
/// effective values CreateTopics (v5+) reports back.
public protocol TopicConfigPolicy: Sendable {
    /// nil if every key is known and every value allowed; else INVALID_CONFIG with a sentence
    /// naming the key and the allowed range.
    func validate(_ overrides: [String: String]) -> BrokerError?

    /// Effective configs of a topic with these overrides.
    func effectiveConfigs(_ overrides: [String: String]) -> [EffectiveConfig]
}

public struct EffectiveConfig: Sendable, Equatable {
    public var name: String
    public var value: String?
    public var readOnly: Bool
    /// DescribeConfigs source: 1 topic, 4 static broker, 5 default.
    public var source: Int8
    public var isSensitive: Bool

    public init(name: String, value: String?, readOnly: Bool, source: Int8, isSensitive: Bool) {
        self.name = name
        self.value = value
        self.readOnly = readOnly
        self.source = source
        self.isSensitive = isSensitive
    }
}

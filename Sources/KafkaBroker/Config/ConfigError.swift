import KafkaProtocol

/// A configuration problem: one plain sentence naming the key and what is allowed, plus the
/// Kafka error code a client gets for it (INVALID_CONFIG unless said otherwise).
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: ErrorCode
    /// The key at fault, when there is one.
    public var key: String?
    public var message: String

    public init(_ code: ErrorCode = .invalidConfig, key: String?, _ message: String) {
        self.code = code
        self.key = key
        self.message = message
    }

    public var description: String { message }

    /// The same problem as the broker's error type, for handlers.
    public var brokerError: BrokerError { BrokerError(code, message) }

    /// Kafka's wording (ConfigException): "Invalid value X for configuration K: reason".
    public static func invalidValue(_ key: String, _ value: String, _ reason: String) -> ConfigError {
        ConfigError(key: key, "Invalid value \(value) for configuration \(key): \(reason)")
    }

    /// Kafka's wording for a key no topic config has (LogConfig.validateNames).
    public static func unknownTopicConfig(_ key: String) -> ConfigError {
        ConfigError(key: key, "Unknown topic config name: \(key)")
    }
}

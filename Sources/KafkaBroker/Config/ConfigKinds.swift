/// A config's data type, with the ids DescribeConfigs v3+ reports (DescribeConfigsResponse.ConfigType).
public enum ConfigType: Int8, Sendable, CaseIterable {
    case unknown = 0
    case boolean = 1
    case string = 2
    case int = 3
    case short = 4
    case long = 5
    case double = 6
    case list = 7
    case classType = 8
    case password = 9

    /// Kafka's upper-case name, used in "Not a number of type LONG".
    public var kafkaName: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .boolean: "BOOLEAN"
        case .string: "STRING"
        case .int: "INT"
        case .short: "SHORT"
        case .long: "LONG"
        case .double: "DOUBLE"
        case .list: "LIST"
        case .classType: "CLASS"
        case .password: "PASSWORD"
        }
    }
}

/// Where a config value comes from, with DescribeConfigs' ids (DescribeConfigsResponse.ConfigSource).
public enum ConfigSource: Int8, Sendable, CaseIterable {
    case unknown = 0
    /// A topic-level override.
    case dynamicTopicConfig = 1
    case dynamicBrokerConfig = 2
    case dynamicDefaultBrokerConfig = 3
    /// Set in the broker's properties file or with --set.
    case staticBrokerConfig = 4
    /// Nobody set it; the built-in default.
    case defaultConfig = 5
    case dynamicBrokerLoggerConfig = 6
    case clientMetricsConfig = 7
}

/// How a broker synonym's value turns into the topic config's unit.
public enum SynonymUnit: Sendable, Hashable {
    case same
    case minutesToMillis
    case hoursToMillis

    /// nil if the converted value does not fit in Int64.
    func toMillis(_ value: Int64) -> Int64? {
        let factor: Int64
        switch self {
        case .same: return value
        case .minutesToMillis: factor = 60_000
        case .hoursToMillis: factor = 3_600_000
        }
        let (result, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : result
    }
}

/// DescribeConfigs resource types (ConfigResource.Type).
public enum ConfigResourceType: Int8, Sendable {
    case unknown = 0
    case topic = 2
    case broker = 4
    case brokerLogger = 8
    case clientMetrics = 16
    case group = 32
}

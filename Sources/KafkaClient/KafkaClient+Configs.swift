import KafkaProtocol

/// One topic config as DescribeConfigs reports it.
public struct ConfigEntry: Sendable, Equatable {
    public var name: String
    /// nil for sensitive values and unset ones.
    public var value: String?
    /// The value comes from the broker's defaults, not from the topic.
    public var isDefault: Bool
    public var readOnly: Bool
    public var isSensitive: Bool
    /// Kafka's ConfigSource: 1 topic, 2 dynamic broker, 3 dynamic default broker, 4 static
    /// broker, 5 default; -1/0 when unknown (DescribeConfigs v0).
    public var source: Int8

    public init(
        name: String, value: String?, isDefault: Bool = false, readOnly: Bool = false, isSensitive: Bool = false,
        source: Int8 = -1
    ) {
        self.name = name
        self.value = value
        self.isDefault = isDefault
        self.readOnly = readOnly
        self.isSensitive = isSensitive
        self.source = source
    }

    /// Set on the topic itself (DYNAMIC_TOPIC_CONFIG).
    public var isTopicOverride: Bool { source == 1 || (source <= 0 && !isDefault) }
}

extension KafkaClient {
    static let topicResourceType: Int8 = 2

    /// The topic's configs, sorted by name; `keys` nil asks for all of them.
    public func describeConfigs(topic: String, keys: [String]? = nil) async throws -> [ConfigEntry] {
        let request = DescribeConfigsRequest(resources: [
            DescribeConfigsRequest.DescribeConfigsResource(
                resourceType: Self.topicResourceType, resourceName: topic, configurationKeys: keys)
        ])
        return try await withRetries(topic: topic) { [self] in
            let connection = try await anyConnection()
            let response = try await connection.send(request)
            guard let result = response.results.first(where: { $0.resourceName == topic }) else {
                throw KafkaClientError(
                    .protocolViolation("DescribeConfigs response has no result for '\(topic)'"),
                    api: .describeConfigs, topic: topic, broker: connection.brokerLabel)
            }
            if let error = KafkaClientError.check(
                result.errorCode, api: .describeConfigs, topic: topic, broker: connection.brokerLabel,
                message: result.errorMessage)
            {
                throw error
            }
            return result.configs.map {
                ConfigEntry(
                    name: $0.name, value: $0.value, isDefault: $0.isDefault || $0.configSource == 5,
                    readOnly: $0.readOnly, isSensitive: $0.isSensitive, source: $0.configSource)
            }.sorted { $0.name < $1.name }
        }
    }

    /// Sets and removes topic configs (IncrementalAlterConfigs SET / DELETE); other configs
    /// stay as they are.
    public func incrementalAlterConfigs(
        topic: String, set: [String: String] = [:], delete: [String] = [], validateOnly: Bool = false
    ) async throws {
        typealias Alterable = IncrementalAlterConfigsRequest.AlterableConfig
        let configs =
            set.sorted { $0.key < $1.key }.map { Alterable(name: $0.key, configOperation: 0, value: $0.value) }
            + delete.sorted().map { Alterable(name: $0, configOperation: 1, value: nil) }
        let request = IncrementalAlterConfigsRequest(
            resources: [
                IncrementalAlterConfigsRequest.AlterConfigsResource(
                    resourceType: Self.topicResourceType, resourceName: topic, configs: configs)
            ], validateOnly: validateOnly)
        try await withRetries(topic: topic) { [self] in
            let connection = try await controllerConnection()
            let response = try await connection.send(request)
            for result in response.responses where result.resourceName == topic {
                if let error = KafkaClientError.check(
                    result.errorCode, api: .incrementalAlterConfigs, topic: topic, broker: connection.brokerLabel,
                    message: result.errorMessage)
                {
                    throw error
                }
            }
        }
    }
}

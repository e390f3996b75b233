import KafkaProtocol

/// What the broker knows about a topic besides its logs; persisted in the metadata file.
public struct TopicMetadata: Sendable, Equatable, Codable {
    public var name: String
    public var id: KafkaUUID
    public var partitionCount: Int32
    public var replicationFactor: Int16
    /// Topic-level config overrides (DescribeConfigs source DYNAMIC_TOPIC_CONFIG).
    public var configs: [String: String]

    public init(name: String, id: KafkaUUID, partitionCount: Int32, replicationFactor: Int16, configs: [String: String]) {
        self.name = name
        self.id = id
        self.partitionCount = partitionCount
        self.replicationFactor = replicationFactor
        self.configs = configs
    }

    /// Internal topics are hidden from `petrel topics` and flagged in Metadata responses.
    public var isInternal: Bool { name == "__consumer_offsets" || name == "__transaction_state" }
}

/// A topic and its partitions, as served now. Replaced as a whole when anything changes.
public struct TopicState: Sendable {
    public var metadata: TopicMetadata
    public var partitions: [Partition]

    public func partition(_ index: Int32) -> Partition? {
        guard index >= 0, Int(index) < partitions.count else { return nil }
        return partitions[Int(index)]
    }
}

extension KafkaUUID: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = KafkaUUID(base64: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad topic id \(text)"))
        }
        self = uuid
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(base64)
    }
}

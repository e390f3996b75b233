import KafkaProtocol

/// Everything that can go wrong in the client: a kind plus where it happened (API, topic,
/// partition, broker). Kafka error codes arrive as `.kafka(code)` with the broker's message.
public struct KafkaClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The broker answered with this error code.
        case kafka(ErrorCode)
        /// No TCP connection could be made (refused, unreachable, DNS, connect timeout).
        case connectionFailed(reason: String)
        /// The connection dropped while requests were in flight, or was already closed.
        case connectionClosed
        /// No answer within the request timeout; the connection was closed.
        case timeout(milliseconds: Int64)
        /// The broker does not serve the API at any version we can speak.
        case unsupportedApi(ApiKey)
        /// A response did not decode.
        case protocolViolation(String)
        /// The bootstrap string is not host:port[,host:port...].
        case invalidBootstrap(String)
        /// The topic is absent from metadata.
        case unknownTopic
        /// The topic exists but has no such partition (`partitionCount` partitions exist).
        case unknownPartition(partitionCount: Int)
        /// The partition has no leader right now.
        case noLeader
        /// The caller passed something the client cannot send (sentence says what).
        case invalidArgument(String)
        /// The client was shut down.
        case shutDown
    }

    public var kind: Kind
    public var api: ApiKey?
    public var topic: String?
    public var partition: Int32?
    /// "host:port" (and node id when known) of the broker involved.
    public var broker: String?
    /// The broker's error message, when it sent one.
    public var message: String?

    public init(
        _ kind: Kind, api: ApiKey? = nil, topic: String? = nil, partition: Int32? = nil,
        broker: String? = nil, message: String? = nil
    ) {
        self.kind = kind
        self.api = api
        self.topic = topic
        self.partition = partition
        self.broker = broker
        self.message = message
    }

    /// The Kafka error code, if the broker sent one.
    public var code: ErrorCode? {
        if case .kafka(let code) = kind { return code }
        return nil
    }

    /// Whether retrying after a metadata refresh can help (leadership moved, topic just made).
    public var isRetriable: Bool {
        switch kind {
        case .kafka(let code):
            return ErrorCode.retriableCodes.contains(code)
        case .noLeader, .connectionClosed, .connectionFailed:
            return true
        default:
            return false
        }
    }

    public var description: String {
        var parts: [String] = []
        switch kind {
        case .kafka(let code): parts.append("\(code.symbolicName) (\(code.rawValue))")
        case .connectionFailed(let reason): parts.append("connection failed: \(reason)")
        case .connectionClosed: parts.append("connection closed")
        case .timeout(let ms): parts.append("no response within \(ms) ms")
        case .unsupportedApi(let key): parts.append("broker does not support \(key.name)")
        case .protocolViolation(let what): parts.append("protocol error: \(what)")
        case .invalidBootstrap(let value): parts.append("invalid bootstrap '\(value)'")
        case .unknownTopic: parts.append("unknown topic")
        case .unknownPartition(let count): parts.append("unknown partition (topic has \(count))")
        case .noLeader: parts.append("no leader")
        case .invalidArgument(let sentence): parts.append(sentence)
        case .shutDown: parts.append("client is shut down")
        }
        if let api { parts.append("api=\(api.name)") }
        if let topic { parts.append("topic=\(topic)") }
        if let partition { parts.append("partition=\(partition)") }
        if let broker { parts.append("broker=\(broker)") }
        if let message, !message.isEmpty { parts.append("message=\(message)") }
        return "KafkaClientError: " + parts.joined(separator: " ")
    }

    /// Adds context to an error thrown deeper down, keeping what is already known.
    func with(api: ApiKey? = nil, topic: String? = nil, partition: Int32? = nil, broker: String? = nil) -> Self {
        var copy = self
        if copy.api == nil { copy.api = api }
        if copy.topic == nil { copy.topic = topic }
        if copy.partition == nil { copy.partition = partition }
        if copy.broker == nil { copy.broker = broker }
        return copy
    }

    /// An error for a non-zero code, nil for NONE.
    static func check(
        _ raw: Int16, api: ApiKey, topic: String? = nil, partition: Int32? = nil, broker: String? = nil,
        message: String? = nil
    ) -> KafkaClientError? {
        guard raw != 0 else { return nil }
        return KafkaClientError(
            .kafka(ErrorCode(raw)), api: api, topic: topic, partition: partition, broker: broker, message: message)
    }
}

extension ErrorCode {
    /// Codes after which a metadata refresh and a retry may succeed; the request had no effect.
    static let retriableCodes: Set<ErrorCode> = [
        .leaderNotAvailable, .notLeaderOrFollower, .unknownTopicOrPartition, .fencedLeaderEpoch,
        .unknownLeaderEpoch, .notController, .kafkaStorageError, .brokerNotAvailable,
        .replicaNotAvailable, .offsetNotAvailable, .notEnoughReplicas,
        .coordinatorNotAvailable, .notCoordinator, .coordinatorLoadInProgress,
    ]
}

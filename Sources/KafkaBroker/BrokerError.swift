import KafkaProtocol
import LogStorage

/// The broker's one error type: a Kafka error code plus a message for the client and the log.
public struct BrokerError: Error, Sendable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) (error \(code.rawValue))" }

    public static func unknownTopic(_ name: String) -> BrokerError {
        BrokerError(.unknownTopicOrPartition, "This server does not host topic \(name)")
    }
}

extension BrokerError {
    /// The one place storage errors become Kafka errors.
    public init(_ error: StorageError) {
        self.init(error.code, error.message)
    }
}

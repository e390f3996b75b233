import KafkaProtocol

/// The Cluster target's one error type: why an operation failed (for the caller's logic), the
/// Kafka error code a request handler returns for it, and a sentence for people.
public struct ClusterError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// The metadata session ended (expired or closed): the owner opens a new one.
        case sessionEnded
        /// The store could not be reached now; the session lives on, the caller may retry.
        /// (For a write, the outcome is unknown.)
        case unavailable
        /// A conditional write lost: the version read is stale. Read again and decide again.
        case staleVersion
        /// A controller write was fenced: another controller was elected since.
        case controllerMoved
        /// This broker is not the controller (or no longer is).
        case notController
        case alreadyExists
        case notFound
        /// Another live session holds this broker id.
        case brokerIDInUse
        /// Bad arguments, refused before anything was written.
        case invalid
        /// The store holds data this code cannot read.
        case corrupt
        /// The embedded backend could not write its file.
        case storage
        /// Refused by the controller with the Kafka code given (ISR change, controlled shutdown).
        case rejected
    }

    public var reason: Reason
    public var code: ErrorCode
    public var message: String

    public init(_ reason: Reason, code: ErrorCode, _ message: String) {
        self.reason = reason
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) (\(reason), error \(code.rawValue))" }

    /// True when the same call may simply be made again on the same session.
    public var isRetriable: Bool { reason == .unavailable }
}

// The one mapping of reasons to Kafka error codes.
extension ClusterError {
    static func sessionEnded(_ message: String) -> ClusterError {
        ClusterError(.sessionEnded, code: .notController, message)
    }
    static func unavailable(_ message: String) -> ClusterError {
        ClusterError(.unavailable, code: .requestTimedOut, message)
    }
    static func staleVersion(_ message: String) -> ClusterError {
        ClusterError(.staleVersion, code: .invalidUpdateVersion, message)
    }
    static func controllerMoved(_ message: String) -> ClusterError {
        ClusterError(.controllerMoved, code: .notController, message)
    }
    static func notController(_ message: String) -> ClusterError {
        ClusterError(.notController, code: .notController, message)
    }
    static func topicExists(_ name: String) -> ClusterError {
        ClusterError(.alreadyExists, code: .topicAlreadyExists, "Topic '\(name)' already exists.")
    }
    static func unknownTopic(_ name: String) -> ClusterError {
        ClusterError(.notFound, code: .unknownTopicOrPartition, "Unknown topic \(name)")
    }
    static func notFound(_ message: String) -> ClusterError {
        ClusterError(.notFound, code: .unknownTopicOrPartition, message)
    }
    static func brokerIDInUse(_ id: Int32) -> ClusterError {
        ClusterError(
            .brokerIDInUse, code: .duplicateBrokerRegistration,
            "broker id \(id) is registered by another live session")
    }
    static func invalid(_ message: String) -> ClusterError {
        ClusterError(.invalid, code: .invalidRequest, message)
    }
    static func corrupt(_ message: String) -> ClusterError {
        ClusterError(.corrupt, code: .unknownServerError, message)
    }
    static func storage(_ message: String) -> ClusterError {
        ClusterError(.storage, code: .kafkaStorageError, message)
    }
    static func rejected(_ code: ErrorCode, _ message: String) -> ClusterError {
        ClusterError(.rejected, code: code, message)
    }
}

extension ErrorCode {
    /// INELIGIBLE_REPLICA (KIP-841): an ISR change names a replica that is not alive.
    /// Not in KafkaProtocol's table yet.
    static let clusterIneligibleReplica = ErrorCode(107)
}

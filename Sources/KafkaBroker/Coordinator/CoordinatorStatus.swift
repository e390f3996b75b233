import KafkaProtocol

/// Whether a coordinator shard (group or transaction) can serve: loading its partition, active,
/// or failed to load (its keys then get COORDINATOR_NOT_AVAILABLE, as Kafka fails a load).
enum CoordinatorStatus: Sendable, Equatable {
    case loading
    case active
    case failed(String)
    /// Shutting down: clients go find the coordinator again.
    case closed

    func requireActive() throws(BrokerError) {
        switch self {
        case .active: return
        case .loading: throw BrokerError(.coordinatorLoadInProgress, "the coordinator is loading this partition")
        case .failed(let reason): throw BrokerError(.coordinatorNotAvailable, "the coordinator could not load this partition: \(reason)")
        case .closed: throw BrokerError(.notCoordinator, "the coordinator is shutting down")
        }
    }

    /// Storage errors as clients of a coordinator expect them (Kafka's
    /// CoordinatorOperationExceptionHelper): retriable ones send the client to find the
    /// coordinator again, size errors are the broker's fault.
    static func coordinatorError(for code: ErrorCode) -> ErrorCode {
        switch code {
        case .unknownTopicOrPartition, .notEnoughReplicas, .notEnoughReplicasAfterAppend, .requestTimedOut:
            .coordinatorNotAvailable
        case .notLeaderOrFollower, .kafkaStorageError:
            .notCoordinator
        case .messageTooLarge, .recordListTooLarge, .invalidFetchSize, .corruptMessage:
            .unknownServerError
        default:
            code
        }
    }
}

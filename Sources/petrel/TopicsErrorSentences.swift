import Foundation
import KafkaClient
import KafkaProtocol

/// The one place where client errors become the sentence the `topics:*` commands print:
/// what went wrong, then what to do about it.
enum TopicsErrorSentences {
    /// Where the bootstrap came from, so the advice names the right knob.
    enum BootstrapSource: Equatable {
        case flag, environment, defaultAddress
    }

    static func sentence(for error: any Error, bootstrap: String, source: BootstrapSource) -> String {
        switch error {
        case let error as CLIError: return error.description
        case let error as KafkaClientError: return sentence(for: error, bootstrap: bootstrap, source: source)
        case is CancellationError: return "Stopped."
        default: return "Unexpected error: \(error)."
        }
    }

    static func sentence(for error: KafkaClientError, bootstrap: String, source: BootstrapSource) -> String {
        let topic = error.topic.map { "'\($0)'" } ?? "the topic"
        let broker = error.broker ?? bootstrap
        let detail = brokerDetail(error.message)
        switch error.kind {
        case .invalidArgument(let sentence):
            return sentence
        case .invalidBootstrap(let value):
            switch source {
            case .environment:
                return "KAFKA_URL is '\(value)', which is not host:port[,host:port]; set it like KAFKA_URL=127.0.0.1:9092."
            default:
                return "--bootstrap takes host:port[,host:port], but got '\(value)'; write it like --bootstrap 127.0.0.1:9092."
            }
        case .connectionFailed(let reason):
            let advice: String
            switch source {
            case .defaultAddress: advice = "start one with `petrel dev`, or pass --bootstrap host:port or set KAFKA_URL"
            case .environment: advice = "check that the broker in KAFKA_URL is running, or pass --bootstrap host:port"
            case .flag: advice = "check that a broker is running there, or fix --bootstrap"
            }
            return "Cannot reach a Kafka broker at \(broker) (\(reason)); \(advice)."
        case .connectionClosed:
            return "The broker at \(broker) closed the connection; check that it is a Kafka broker and try again."
        case .timeout(let ms):
            return "The broker at \(broker) did not answer within \(ms / 1000)s; check that it is healthy and try again."
        case .unsupportedApi(let key):
            return "The broker at \(broker) does not support \(key.name), which this command needs; use a Petrel or Kafka 2.4+ broker."
        case .protocolViolation(let what):
            return "The broker at \(broker) sent a reply petrel could not read (\(what)); check that it is a Kafka broker."
        case .unknownTopic:
            return "Topic \(topic) does not exist; list topics with `petrel topics`."
        case .unknownPartition(let count):
            let p = error.partition.map(String.init) ?? "?"
            return "Topic \(topic) has no partition \(p); it has \(count) partition\(count == 1 ? "" : "s"), numbered 0 to \(max(count - 1, 0))."
        case .noLeader:
            let p = error.partition.map { "Partition \($0) of topic \(topic)" } ?? "Topic \(topic)"
            return "\(p) has no leader right now; wait a moment and try again."
        case .shutDown:
            return "The Kafka client was already shut down; run the command again."
        case .kafka(let code):
            return sentence(for: code, error: error, topic: topic, detail: detail)
        }
    }

    private static func sentence(for code: ErrorCode, error: KafkaClientError, topic: String, detail: String) -> String {
        switch code {
        case .unknownTopicOrPartition:
            return "Topic \(topic) does not exist; list topics with `petrel topics`."
        case .topicAlreadyExists:
            let name = error.topic ?? "NAME"
            return "Topic \(topic) already exists; see it with `petrel topics:info \(name)`."
        case .invalidTopicException:
            return "\(topic.prefix(1).uppercased() + topic.dropFirst()) is not a valid topic name\(detail); use up to 249 letters, digits, '.', '_' or '-'."
        case .invalidPartitions:
            return "The broker refused the partition count for \(topic)\(detail); use --partitions 1 or more."
        case .invalidReplicationFactor:
            return "The broker refused the replication factor for \(topic)\(detail); use a --replication-factor no larger than the number of brokers."
        case .invalidReplicaAssignment:
            return "The broker refused the new replicas for \(topic)\(detail); check that every broker is up and try again."
        case .noReassignmentInProgress:
            return "No replicas of \(topic) are moving\(detail); there is nothing to cancel."
        case .invalidConfig:
            return "The broker refused a config for \(topic)\(detail); check the value and try again."
        case .policyViolation:
            return "The cluster's policy refused the change to \(topic)\(detail); ask the cluster's operator what is allowed."
        case .topicDeletionDisabled:
            return "Deleting topics is disabled on this cluster (delete.topic.enable=false); enable it on the brokers to delete \(topic)."
        case .topicAuthorizationFailed:
            return "You are not authorized to use topic \(topic); check the ACLs for your credentials."
        case .clusterAuthorizationFailed:
            return "You are not authorized for this cluster operation; check the ACLs for your credentials."
        case .messageTooLarge, .recordListTooLarge:
            return "The message is larger than topic \(topic) accepts (max.message.bytes); send a smaller message or raise the limit."
        case .invalidRecord:
            let keyless = (error.message ?? "").lowercased().contains("key")
            let advice = keyless ? "a compacted topic needs messages with a --key" : "check the message and try again"
            return "The broker refused the message for \(topic)\(detail); \(advice)."
        case .notEnoughReplicas, .notEnoughReplicasAfterAppend:
            return "Topic \(topic) has fewer in-sync replicas than min.insync.replicas; wait for the brokers to catch up and try again."
        case .offsetOutOfRange:
            return "The offset asked for in \(topic) is no longer (or not yet) in the log; start from the earliest or latest offset."
        case .leaderNotAvailable, .notLeaderOrFollower, .notController, .requestTimedOut, .kafkaStorageError,
            .brokerNotAvailable, .replicaNotAvailable, .fencedLeaderEpoch, .unknownLeaderEpoch, .offsetNotAvailable:
            return "The cluster is busy moving leadership or recovering (\(code.symbolicName)); try again in a moment."
        case .coordinatorNotAvailable, .notCoordinator, .coordinatorLoadInProgress:
            return "The group coordinator is not ready (\(code.symbolicName)); try again in a moment."
        case .groupAuthorizationFailed:
            return "You are not authorized to use this consumer group; check the ACLs for your credentials."
        case .unsupportedVersion:
            let api = error.api.map { " \($0.name)" } ?? ""
            return "The broker does not support the version of\(api) petrel sent; upgrade the broker or report it."
        default:
            let api = error.api?.name ?? "the request"
            return "The broker refused \(api) for \(topic) with \(code.symbolicName)\(detail); see Kafka's documentation for that error."
        }
    }

    /// ": <broker's message>" without its final period, or "" when there is none.
    private static func brokerDetail(_ message: String?) -> String {
        guard var text = message?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return "" }
        while text.hasSuffix(".") { text.removeLast() }
        return " (\(text))"
    }
}

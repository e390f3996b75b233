import KafkaProtocol
import LogStorage

/// FindCoordinator v0-v6: the coordinator of a group or transactional id is the leader of its
/// partition of `__consumer_offsets` or `__transaction_state`. v0-v3 carry one key (v0 implies
/// GROUP); v4+ batch them in `coordinatorKeys`, each with its own error. v0 stays advertised:
/// librdkafka before 2.11.1 checks for exactly FindCoordinator 0 and turns off LZ4 without it.
struct FindCoordinatorHandler: ApiHandler {
    typealias Request = FindCoordinatorRequest
    let versions: ClosedRange<Int16> = 0...6
    let topics: TopicRegistry
    let groups: GroupCoordinator
    let transactions: TransactionCoordinator

    /// CoordinatorType ids.
    static let groupKeyType: Int8 = 0
    static let transactionKeyType: Int8 = 1
    static let shareKeyType: Int8 = 2

    func handle(_ request: FindCoordinatorRequest, context: RequestContext) -> HandlerResult<FindCoordinatorResponse> {
        .respond(response(to: request, version: context.apiVersion))
    }

    func response(to request: FindCoordinatorRequest, version: Int16) -> FindCoordinatorResponse {
        let keyType = version >= 1 ? request.keyType : Self.groupKeyType
        if version >= 4 {
            return FindCoordinatorResponse(coordinators: request.coordinatorKeys.map { key in
                switch lookup(keyType: keyType, key: key, version: version) {
                case .success(let node):
                    return .init(key: key, nodeId: node.id, host: node.host, port: node.port, errorCode: 0, errorMessage: nil)
                case .failure(let error):
                    return .init(key: key, nodeId: -1, host: "", port: -1, errorCode: error.code.rawValue, errorMessage: error.message)
                }
            })
        }
        switch lookup(keyType: keyType, key: request.key, version: version) {
        case .success(let node):
            return FindCoordinatorResponse(errorCode: 0, errorMessage: nil, nodeId: node.id, host: node.host, port: node.port)
        case .failure(let error):
            // Kafka answers errors with Node.noNode(): id -1, empty host, port -1.
            return FindCoordinatorResponse(
                errorCode: error.code.rawValue, errorMessage: error.message, nodeId: -1, host: "", port: -1)
        }
    }

    private struct Node {
        var id: Int32
        var host: String
        var port: Int32
    }

    private func lookup(keyType: Int8, key: String, version: Int16) -> Result<Node, BrokerError> {
        switch keyType {
        case Self.groupKeyType:
            return leader(of: TopicPartition(topic: GroupCoordinatorConfig.topicName, partition: groups.partitionFor(groupId: key)))
        case Self.transactionKeyType:
            return leader(of: TopicPartition(
                topic: TransactionCoordinatorConfig.topicName, partition: transactions.partitionFor(transactionalId: key)))
        case Self.shareKeyType:
            return .failure(BrokerError(.invalidRequest, "This broker has no share group coordinator."))
        default:
            return .failure(BrokerError(.invalidRequest, "Unknown coordinator key type \(keyType)."))
        }
    }

    /// The broker leading the coordinator partition; none yet (the topic is being created, a
    /// leader being elected) is COORDINATOR_NOT_AVAILABLE, which clients retry.
    private func leader(of partition: TopicPartition) -> Result<Node, BrokerError> {
        guard let broker = topics.cache.leader(of: partition), let endpoint = broker.endpoint() else {
            return .failure(BrokerError(.coordinatorNotAvailable, "The coordinator is not available."))
        }
        return .success(Node(id: broker.id, host: endpoint.host, port: Int32(endpoint.port)))
    }
}

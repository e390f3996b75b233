import KafkaProtocol

/// FindCoordinator v0-v6. One broker coordinates every group and transactional id, so a key is
/// answered with this broker's address. v0-v3 carry one key (v0 implies GROUP); v4+ batch them
/// in `coordinatorKeys`, each with its own error. v0 stays advertised: librdkafka before 2.11.1
/// checks for exactly FindCoordinator 0 and turns off LZ4 without it.
struct FindCoordinatorHandler: ApiHandler {
    typealias Request = FindCoordinatorRequest
    let versions: ClosedRange<Int16> = 0...6
    let identity: BrokerIdentity
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
                case .success:
                    return .init(key: key, nodeId: identity.nodeId, host: identity.host, port: identity.port, errorCode: 0, errorMessage: nil)
                case .failure(let error):
                    return .init(key: key, nodeId: -1, host: "", port: -1, errorCode: error.code.rawValue, errorMessage: error.message)
                }
            })
        }
        switch lookup(keyType: keyType, key: request.key, version: version) {
        case .success:
            return FindCoordinatorResponse(errorCode: 0, errorMessage: nil, nodeId: identity.nodeId, host: identity.host, port: identity.port)
        case .failure(let error):
            // Kafka answers errors with Node.noNode(): id -1, empty host, port -1.
            return FindCoordinatorResponse(
                errorCode: error.code.rawValue, errorMessage: error.message, nodeId: -1, host: "", port: -1)
        }
    }

    private func lookup(keyType: Int8, key: String, version: Int16) -> Result<Void, BrokerError> {
        switch keyType {
        case Self.groupKeyType:
            // The coordinator is this broker; a shard that failed to load cannot serve.
            guard groups.isActive(groupId: key) else {
                return .failure(BrokerError(.coordinatorNotAvailable, "The coordinator is not available."))
            }
            return .success(())
        case Self.transactionKeyType:
            guard transactions.isActive(transactionalId: key) else {
                return .failure(BrokerError(.coordinatorNotAvailable, "The coordinator is not available."))
            }
            return .success(())
        case Self.shareKeyType:
            return .failure(BrokerError(.invalidRequest, "This broker has no share group coordinator."))
        default:
            return .failure(BrokerError(.invalidRequest, "Unknown coordinator key type \(keyType)."))
        }
    }
}

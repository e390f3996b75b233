import KafkaProtocol
import Logging

/// InitProducerId for idempotent producers (Kafka's KafkaApis.handleInitProducerIdRequest and
/// TransactionCoordinator.handleInitProducerId). A null transactional id always gets a fresh
/// producer id with epoch 0, whatever producer id and epoch the request carries: Kafka does
/// the same, and its clients bump an idempotent producer's epoch themselves (KIP-360).
///
/// Transactions are not supported yet. A transactional id is answered with
/// TRANSACTIONAL_ID_AUTHORIZATION_FAILED, the one error that both the Java client (an
/// exception from initTransactions) and librdkafka (a fatal error) surface at once instead of
/// retrying until a timeout, as they would for COORDINATOR_NOT_AVAILABLE or NOT_COORDINATOR.
struct InitProducerIdHandler: ApiHandler {
    typealias Request = InitProducerIdRequest
    let versions: ClosedRange<Int16> = 0...5
    let producerIds: ProducerIdManager
    /// transaction.max.timeout.ms.
    let transactionMaxTimeoutMs: Int32

    init(producerIds: ProducerIdManager, transactionMaxTimeoutMs: Int32 = 900_000) {
        self.producerIds = producerIds
        self.transactionMaxTimeoutMs = transactionMaxTimeoutMs
    }

    func handle(_ request: InitProducerIdRequest, context: RequestContext) -> HandlerResult<InitProducerIdResponse> {
        .respond(respond(to: request, logger: context.logger))
    }

    func respond(to request: InitProducerIdRequest, logger: Logger) -> InitProducerIdResponse {
        // v3+: a producer id and epoch come together or not at all (both -1 before v3).
        let givesId = request.producerId != RecordBatchHeader.noProducerId
        let givesEpoch = request.producerEpoch != RecordBatchHeader.noProducerEpoch
        if givesId != givesEpoch {
            return Self.failure(.invalidRequest)
        }
        guard let transactionalId = request.transactionalId else {
            do {
                return InitProducerIdResponse(producerId: try producerIds.generate(), producerEpoch: 0)
            } catch {
                logger.error("cannot allocate a producer id", metadata: ["error": "\(error)"])
                return Self.failure(error.code)
            }
        }
        if transactionalId.isEmpty {
            return Self.failure(.invalidRequest)
        }
        if request.transactionTimeoutMs <= 0 || request.transactionTimeoutMs > transactionMaxTimeoutMs {
            return Self.failure(.invalidTransactionTimeout)
        }
        logger.warning("transactional producer refused: transactions are not supported", metadata: [
            "transactional_id": "\(transactionalId)",
        ])
        return Self.failure(.transactionalIdAuthorizationFailed)
    }

    /// Kafka's error response: no producer id, no epoch.
    static func failure(_ code: ErrorCode) -> InitProducerIdResponse {
        InitProducerIdResponse(
            errorCode: code.rawValue, producerId: RecordBatchHeader.noProducerId,
            producerEpoch: RecordBatchHeader.noProducerEpoch)
    }
}

import KafkaProtocol
import Logging

/// InitProducerId (Kafka's KafkaApis.handleInitProducerIdRequest and
/// TransactionCoordinator.handleInitProducerId). Without a transactional id a fresh producer id
/// with epoch 0 is handed out, whatever the request carries: Kafka does the same, and its
/// clients bump an idempotent producer's epoch themselves (KIP-360). With one, the transaction
/// coordinator returns the id's producer with a new epoch, fencing older instances.
struct InitProducerIdHandler: AsyncApiHandler {
    typealias Request = InitProducerIdRequest
    let versions: ClosedRange<Int16> = 0...5
    let producerIds: ProducerIdManager
    let transactions: TransactionCoordinator

    func handle(_ request: InitProducerIdRequest, context: RequestContext) async -> InitProducerIdResponse {
        await respond(to: request, version: context.apiVersion, logger: context.logger)
    }

    func respond(to request: InitProducerIdRequest, version: Int16, logger: Logger) async -> InitProducerIdResponse {
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
        let expected = givesId ? ProducerIdAndEpoch(producerId: request.producerId, epoch: request.producerEpoch) : nil
        switch await transactions.initProducerId(
            transactionalId: transactionalId, timeoutMs: request.transactionTimeoutMs, expected: expected) {
        case .success(let producer):
            return InitProducerIdResponse(producerId: producer.producerId, producerEpoch: producer.epoch)
        case .failure(let error):
            // Clients before v4 do not know PRODUCER_FENCED.
            return Self.failure(error.code == .producerFenced && version < 4 ? .invalidProducerEpoch : error.code)
        }
    }

    /// Kafka's error response: no producer id, no epoch.
    static func failure(_ code: ErrorCode) -> InitProducerIdResponse {
        InitProducerIdResponse(
            errorCode: code.rawValue, producerId: RecordBatchHeader.noProducerId,
            producerEpoch: RecordBatchHeader.noProducerEpoch)
    }
}

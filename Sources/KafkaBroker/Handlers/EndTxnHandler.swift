import KafkaProtocol

/// EndTxn v0-v4: commit or abort. The answer comes once the markers are in every partition of
/// the transaction. (v5 belongs to transaction.version 2, which bumps the epoch per
/// transaction; this broker serves the versions before it.)
struct EndTxnHandler: AsyncApiHandler {
    typealias Request = EndTxnRequest
    let versions: ClosedRange<Int16> = 0...4
    let transactions: TransactionCoordinator

    func handle(_ request: EndTxnRequest, context: RequestContext) async -> EndTxnResponse {
        var code = await transactions.endTransaction(
            transactionalId: request.transactionalId,
            producer: ProducerIdAndEpoch(producerId: request.producerId, epoch: request.producerEpoch), commit: request.committed)
        // Clients before v2 do not know PRODUCER_FENCED.
        if code == .producerFenced && context.apiVersion < 2 { code = .invalidProducerEpoch }
        return EndTxnResponse(errorCode: code.rawValue)
    }
}

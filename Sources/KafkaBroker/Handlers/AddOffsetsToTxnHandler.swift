import KafkaProtocol
import LogStorage

/// AddOffsetsToTxn v0-v4: the group's `__consumer_offsets` partition joins the transaction, so
/// the TxnOffsetCommit that follows is committed or aborted with it.
struct AddOffsetsToTxnHandler: AsyncApiHandler {
    typealias Request = AddOffsetsToTxnRequest
    let versions: ClosedRange<Int16> = 0...4
    let groups: GroupCoordinator
    let transactions: TransactionCoordinator

    func handle(_ request: AddOffsetsToTxnRequest, context: RequestContext) async -> AddOffsetsToTxnResponse {
        let partition = TopicPartition(topic: GroupCoordinatorConfig.topicName, partition: groups.partitionFor(groupId: request.groupId))
        var code = await transactions.addPartitions(
            transactionalId: request.transactionalId,
            producer: ProducerIdAndEpoch(producerId: request.producerId, epoch: request.producerEpoch), partitions: [partition])
        // Clients before v2 do not know PRODUCER_FENCED.
        if code == .producerFenced && context.apiVersion < 2 { code = .invalidProducerEpoch }
        return AddOffsetsToTxnResponse(errorCode: code.rawValue)
    }
}

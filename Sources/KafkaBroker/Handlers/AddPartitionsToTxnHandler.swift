import KafkaProtocol
import LogStorage

/// AddPartitionsToTxn v0-v5. Clients (v0-v3) name one transaction; v4+ batches transactions
/// and may only verify membership (verify_only, used by partition leaders, KIP-890). Partitions
/// this broker does not know fail the whole transaction's request: they get
/// UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, as in Kafka.
struct AddPartitionsToTxnHandler: AsyncApiHandler {
    typealias Request = AddPartitionsToTxnRequest
    let versions: ClosedRange<Int16> = 0...5
    let topics: TopicRegistry
    let transactions: TransactionCoordinator

    func handle(_ request: AddPartitionsToTxnRequest, context: RequestContext) async -> AddPartitionsToTxnResponse {
        let version = context.apiVersion
        guard version >= 4 else {
            let producer = ProducerIdAndEpoch(producerId: request.v3AndBelowProducerId, epoch: request.v3AndBelowProducerEpoch)
            let results = await add(
                request.v3AndBelowTransactionalId, producer: producer, topics: request.v3AndBelowTopics, verifyOnly: false,
                version: version)
            return AddPartitionsToTxnResponse(resultsByTopicV3AndBelow: results)
        }
        var response = AddPartitionsToTxnResponse()
        for transaction in request.transactions {
            let producer = ProducerIdAndEpoch(producerId: transaction.producerId, epoch: transaction.producerEpoch)
            response.resultsByTransaction.append(.init(
                transactionalId: transaction.transactionalId,
                topicResults: await add(
                    transaction.transactionalId, producer: producer, topics: transaction.topics,
                    verifyOnly: transaction.verifyOnly, version: version)))
        }
        return response
    }

    private func add(
        _ transactionalId: String, producer: ProducerIdAndEpoch, topics requested: [AddPartitionsToTxnRequest.AddPartitionsToTxnTopic],
        verifyOnly: Bool, version: Int16
    ) async -> [AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult] {
        let wanted = requested.flatMap { topic in topic.partitions.map { TopicPartition(topic: topic.name, partition: $0) } }
        let unknown = Set(wanted.filter { topics.topic(named: $0.topic)?.hasPartition($0.partition) != true })
        var codes: [TopicPartition: ErrorCode] = [:]
        if !unknown.isEmpty {
            for partition in wanted { codes[partition] = unknown.contains(partition) ? .unknownTopicOrPartition : .operationNotAttempted }
        } else if verifyOnly {
            codes = transactions.verifyPartitions(transactionalId: transactionalId, producer: producer, partitions: wanted)
        } else {
            var code = await transactions.addPartitions(transactionalId: transactionalId, producer: producer, partitions: Set(wanted))
            // Clients before v2 do not know PRODUCER_FENCED.
            if code == .producerFenced && version < 2 { code = .invalidProducerEpoch }
            for partition in wanted { codes[partition] = code }
        }
        return requested.map { topic in
            .init(name: topic.name, resultsByPartition: topic.partitions.map { index in
                .init(partitionIndex: index, partitionErrorCode: (codes[TopicPartition(topic: topic.name, partition: index)] ?? .none).rawValue)
            })
        }
    }
}

import KafkaProtocol

/// DescribeProducers v0: the idempotent and transactional producers a partition knows, with
/// their epoch, last sequence and open transaction (what `kafka-transactions.sh` shows).
struct DescribeProducersHandler: ApiHandler {
    typealias Request = DescribeProducersRequest
    let versions: ClosedRange<Int16> = 0...0
    let topics: TopicRegistry

    func handle(_ request: DescribeProducersRequest, context: RequestContext) -> HandlerResult<DescribeProducersResponse> {
        .respond(DescribeProducersResponse(topics: request.topics.map { topic in
            .init(name: topic.name, partitions: topic.partitionIndexes.map { index in
                let partition: Partition
                switch topics.leader(topic: topic.name, index: index) {
                case .success(let leader): partition = leader
                case .failure(let error): return .init(partitionIndex: index, errorCode: error.code.rawValue)
                }
                let producers = partition.log.producerEntries.sorted { $0.producerId < $1.producerId }
                return .init(partitionIndex: index, errorCode: 0, activeProducers: producers.map { entry in
                    .init(
                        producerId: entry.producerId, producerEpoch: Int32(entry.producerEpoch), lastSequence: entry.lastSequence,
                        lastTimestamp: entry.lastTimestamp, coordinatorEpoch: entry.coordinatorEpoch,
                        currentTxnStartOffset: entry.currentTxnFirstOffset ?? -1)
                })
            })
        }))
    }
}

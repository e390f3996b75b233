import KafkaProtocol
import LogStorage

/// WriteTxnMarkers v0-v1 (broker to broker): a transaction coordinator asks this leader to end
/// transactions on its partitions; each answer comes once the marker reached the in-sync
/// replicas. The local coordinator writes its markers directly through the same writer.
struct WriteTxnMarkersHandler: AsyncApiHandler {
    typealias Request = WriteTxnMarkersRequest
    let versions: ClosedRange<Int16> = 0...1
    let writer: LocalMarkerWriter

    func handle(_ request: WriteTxnMarkersRequest, context: RequestContext) async -> WriteTxnMarkersResponse {
        var response = WriteTxnMarkersResponse()
        for marker in request.markers {
            let producer = ProducerIdAndEpoch(producerId: marker.producerId, epoch: marker.producerEpoch)
            let targets = marker.topics.flatMap { topic in
                topic.partitionIndexes.map { TopicPartition(topic: topic.name, partition: $0) }
            }
            let known = targets.filter { writer.topics.topic(named: $0.topic)?.hasPartition($0.partition) == true }
            let failed = await writer.writeMarkers(
                producer, coordinatorEpoch: marker.coordinatorEpoch, commit: marker.transactionResult, partitions: Set(known))
            let knownSet = Set(known)
            response.markers.append(.init(producerId: marker.producerId, topics: marker.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitionIndexes.map { index in
                    let target = TopicPartition(topic: topic.name, partition: index)
                    guard knownSet.contains(target) else {
                        return .init(partitionIndex: index, errorCode: ErrorCode.unknownTopicOrPartition.rawValue)
                    }
                    return .init(partitionIndex: index, errorCode: failed[target]?.code.rawValue ?? 0)
                })
            }))
        }
        return response
    }
}

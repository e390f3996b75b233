import KafkaProtocol
import LogStorage

/// WriteTxnMarkers v0-v1 (broker to broker): a transaction coordinator asks this leader to end
/// transactions on its partitions. The local coordinator writes its markers directly through
/// the same writer.
struct WriteTxnMarkersHandler: ApiHandler {
    typealias Request = WriteTxnMarkersRequest
    let versions: ClosedRange<Int16> = 0...1
    let writer: LocalMarkerWriter

    func handle(_ request: WriteTxnMarkersRequest, context: RequestContext) -> HandlerResult<WriteTxnMarkersResponse> {
        .respond(WriteTxnMarkersResponse(markers: request.markers.map { marker in
            let producer = ProducerIdAndEpoch(producerId: marker.producerId, epoch: marker.producerEpoch)
            return .init(producerId: marker.producerId, topics: marker.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitionIndexes.map { index in
                    let target = TopicPartition(topic: topic.name, partition: index)
                    guard writer.topics.topic(named: topic.name)?.hasPartition(index) == true else {
                        return .init(partitionIndex: index, errorCode: ErrorCode.unknownTopicOrPartition.rawValue)
                    }
                    do throws(BrokerError) {
                        try writer.write(producer, coordinatorEpoch: marker.coordinatorEpoch, commit: marker.transactionResult, to: target)
                        return .init(partitionIndex: index, errorCode: 0)
                    } catch {
                        return .init(partitionIndex: index, errorCode: error.code.rawValue)
                    }
                })
            })
        }))
    }
}

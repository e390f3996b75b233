import KafkaProtocol
import LogStorage

/// ListPartitionReassignments (key 46): the reassignments in progress, from this broker's
/// metadata: all of them (null topics), or those among the partitions named. Partitions that
/// are not moving, or do not exist, are left out (as Kafka does).
struct ListPartitionReassignmentsHandler: ApiHandler {
    typealias Request = ListPartitionReassignmentsRequest
    let versions: ClosedRange<Int16> = 0...0
    let topics: TopicRegistry

    func handle(_ request: ListPartitionReassignmentsRequest, context: RequestContext) -> HandlerResult<ListPartitionReassignmentsResponse> {
        let wanted = request.topics.map { topics in
            topics.flatMap { topic in topic.partitionIndexes.map { TopicPartition(topic: topic.name, partition: $0) } }
        }
        var response = ListPartitionReassignmentsResponse()
        for (key, replicas, moving) in self.topics.ongoingReassignments(wanted) {
            let partition = ListPartitionReassignmentsResponse.OngoingPartitionReassignment(
                partitionIndex: key.partition, replicas: replicas, addingReplicas: moving.adding, removingReplicas: moving.removing)
            if let last = response.topics.last, last.name == key.topic {
                response.topics[response.topics.count - 1].partitions.append(partition)
            } else {
                response.topics.append(.init(name: key.topic, partitions: [partition]))
            }
        }
        return .respond(response)
    }
}

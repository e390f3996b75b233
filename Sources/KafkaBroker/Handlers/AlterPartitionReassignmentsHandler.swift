import KafkaProtocol

/// AlterPartitionReassignments (key 45): starts, replaces or cancels (null replicas) partition
/// reassignments. Any broker takes it (the assignment is written through the metadata store);
/// per partition Kafka's errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_REPLICA_ASSIGNMENT,
/// NO_REASSIGNMENT_IN_PROGRESS.
struct AlterPartitionReassignmentsHandler: AsyncApiHandler {
    typealias Request = AlterPartitionReassignmentsRequest
    let versions: ClosedRange<Int16> = 0...0
    let topics: TopicRegistry

    func handle(_ request: AlterPartitionReassignmentsRequest, context: RequestContext) async -> AlterPartitionReassignmentsResponse {
        var response = AlterPartitionReassignmentsResponse()
        for topic in request.topics {
            let asked = topic.partitions.map { TopicRegistry.ReassignmentRequest(partition: $0.partitionIndex, target: $0.replicas) }
            let refused = await topics.reassign(topic: topic.name, asked)
            response.responses.append(.init(
                name: topic.name,
                partitions: topic.partitions.map { partition in
                    let error = refused[partition.partitionIndex]
                    return .init(
                        partitionIndex: partition.partitionIndex, errorCode: error?.code.rawValue ?? 0, errorMessage: error?.message)
                }))
        }
        return response
    }
}

import Cluster
import KafkaProtocol
import LogStorage

/// AlterPartition v0-v3 (between brokers): a leader's ISR change, served by the controller. A
/// broker that is not the controller answers NOT_CONTROLLER, and the leader asks again once its
/// metadata names the new one. v2+ name topics by id, v3 adds each replica's broker epoch
/// (the controller checks the leader's own epoch).
struct AlterPartitionHandler: AsyncApiHandler {
    typealias Request = AlterPartitionRequest
    let versions: ClosedRange<Int16> = 0...3
    let cluster: BrokerCluster

    func handle(_ request: AlterPartitionRequest, context: RequestContext) async -> AlterPartitionResponse {
        guard let controller = await cluster.node.controller, await controller.isActive else {
            return AlterPartitionResponse(errorCode: ErrorCode.notController.rawValue)
        }
        let byId = context.apiVersion >= 2
        var items: [IsrChangeRequest.Item] = []
        for topic in request.topics {
            let name = byId ? cluster.cache.topic(id: topic.topicId)?.name : topic.topicName
            guard let name else { continue }  // answered UNKNOWN_TOPIC_ID below
            for partition in topic.partitions {
                let isr = context.apiVersion >= 3 ? partition.newIsrWithEpochs.map(\.brokerId) : partition.newIsr
                items.append(IsrChangeRequest.Item(
                    partition: TopicPartition(topic: name, partition: partition.partitionIndex),
                    leaderEpoch: partition.leaderEpoch, newIsr: isr,
                    leaderRecoveryState: PartitionState.LeaderRecoveryState(rawValue: partition.leaderRecoveryState) ?? .recovered,
                    partitionEpoch: partition.partitionEpoch))
            }
        }
        let result = await controller.changeIsr(
            IsrChangeRequest(brokerID: request.brokerId, brokerEpoch: request.brokerEpoch, items: items))
        var response = AlterPartitionResponse()
        for topic in request.topics {
            var answer = AlterPartitionResponse.TopicData(topicName: topic.topicName, topicId: topic.topicId)
            let name = byId ? cluster.cache.topic(id: topic.topicId)?.name : topic.topicName
            for partition in topic.partitions {
                var entry = AlterPartitionResponse.PartitionData(partitionIndex: partition.partitionIndex)
                switch name.flatMap({ result[TopicPartition(topic: $0, partition: partition.partitionIndex)] }) {
                case .success(let state)?:
                    entry.leaderId = state.leader
                    entry.leaderEpoch = state.leaderEpoch
                    entry.isr = state.isr
                    entry.leaderRecoveryState = state.leaderRecoveryState.rawValue
                    entry.partitionEpoch = state.partitionEpoch
                case .failure(let error)?:
                    entry.errorCode = error.code.rawValue
                case nil:
                    entry.errorCode = (byId ? ErrorCode.unknownTopicId : .unknownTopicOrPartition).rawValue
                }
                answer.partitions.append(entry)
            }
            response.topics.append(answer)
        }
        return response
    }
}

import Cluster
import KafkaProtocol
import LogStorage

/// Reaches a controller in another process with Kafka's own requests: AlterPartition (v1, topic
/// names) for ISR changes and ControlledShutdown (v3) for a stopping broker. A controller that
/// cannot be reached counts as NOT_CONTROLLER: the caller retries once the metadata names one.
struct RemoteControllerChannel: ControllerChannel {
    let connections: InterBrokerConnections

    func changeIsr(_ request: IsrChangeRequest, controller: Int32) async -> IsrChangeResult {
        let wire = AlterPartitionRequest(
            brokerId: request.brokerID, brokerEpoch: request.brokerEpoch,
            topics: Dictionary(grouping: request.items, by: \.partition.topic).sorted { $0.key < $1.key }.map { topic, items in
                AlterPartitionRequest.TopicData(topicName: topic, partitions: items.map { item in
                    AlterPartitionRequest.PartitionData(
                        partitionIndex: item.partition.partition, leaderEpoch: item.leaderEpoch, newIsr: item.newIsr,
                        leaderRecoveryState: item.leaderRecoveryState.rawValue, partitionEpoch: item.partitionEpoch)
                })
            })
        let response: AlterPartitionResponse
        do {
            response = try await connections.send(wire, to: controller, version: 1)
        } catch {
            return Self.all(request, .failure(ClusterError(.notController, code: .notController, "controller \(controller): \(error)")))
        }
        if response.errorCode != 0 {
            return Self.all(request, .failure(Self.error(response.errorCode, "controller \(controller) refused the ISR change")))
        }
        var result: IsrChangeResult = [:]
        for topic in response.topics {
            for answer in topic.partitions {
                let key = TopicPartition(topic: topic.topicName, partition: answer.partitionIndex)
                guard answer.errorCode == 0 else {
                    result[key] = .failure(Self.error(answer.errorCode, "controller \(controller) refused the ISR change of \(key)"))
                    continue
                }
                result[key] = .success(PartitionState(
                    leader: answer.leaderId, leaderEpoch: answer.leaderEpoch, isr: answer.isr,
                    leaderRecoveryState: PartitionState.LeaderRecoveryState(rawValue: answer.leaderRecoveryState) ?? .recovered,
                    controllerEpoch: -1, partitionEpoch: answer.partitionEpoch))
            }
        }
        return result
    }

    func controlledShutdown(brokerID: Int32, brokerEpoch: Int64, controller: Int32) async
        -> Result<[TopicPartition], ClusterError>
    {
        let response: ControlledShutdownResponse
        do {
            response = try await connections.send(
                ControlledShutdownRequest(brokerId: brokerID, brokerEpoch: brokerEpoch), to: controller, version: 3)
        } catch {
            return .failure(ClusterError(.notController, code: .notController, "controller \(controller): \(error)"))
        }
        guard response.errorCode == 0 else {
            return .failure(Self.error(response.errorCode, "controller \(controller) refused the controlled shutdown"))
        }
        return .success(response.remainingPartitions.map { TopicPartition(topic: $0.topicName, partition: $0.partitionIndex) })
    }

    private static func error(_ code: Int16, _ message: String) -> ClusterError {
        let code = ErrorCode(code)
        return ClusterError(code == .notController ? .notController : .rejected, code: code, message)
    }

    private static func all(_ request: IsrChangeRequest, _ outcome: Result<PartitionState, ClusterError>) -> IsrChangeResult {
        Dictionary(request.items.map { ($0.partition, outcome) }, uniquingKeysWith: { _, last in last })
    }
}

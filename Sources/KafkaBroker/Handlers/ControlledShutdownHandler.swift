import KafkaProtocol

/// ControlledShutdown v0-v3 (between brokers): a stopping broker asks the controller to move its
/// leaderships away; the answer lists those it still leads (no other replica in sync). v0 has
/// no broker epoch (-1: not checked).
struct ControlledShutdownHandler: AsyncApiHandler {
    typealias Request = ControlledShutdownRequest
    let versions: ClosedRange<Int16> = 0...3
    let cluster: BrokerCluster

    func handle(_ request: ControlledShutdownRequest, context: RequestContext) async -> ControlledShutdownResponse {
        guard let controller = await cluster.node.controller, await controller.isActive else {
            return ControlledShutdownResponse(errorCode: ErrorCode.notController.rawValue)
        }
        switch await controller.controlledShutdown(brokerID: request.brokerId, brokerEpoch: request.brokerEpoch) {
        case .success(let remaining):
            return ControlledShutdownResponse(remainingPartitions: remaining.map {
                ControlledShutdownResponse.RemainingPartition(topicName: $0.topic, partitionIndex: $0.partition)
            })
        case .failure(let error):
            return ControlledShutdownResponse(errorCode: error.code.rawValue)
        }
    }
}

import KafkaProtocol

/// DescribeCluster: the brokers, the controller and the cluster id.
struct DescribeClusterHandler: ApiHandler {
    typealias Request = DescribeClusterRequest
    let versions: ClosedRange<Int16> = 0...1
    let identity: BrokerIdentity
    let clusterId: String

    func handle(_ request: DescribeClusterRequest, context: RequestContext) -> HandlerResult<DescribeClusterResponse> {
        if context.apiVersion >= 1 && request.endpointType != 1 {
            // Only the broker endpoint type exists here; Kafka answers controller queries from
            // controllers only.
            return .respond(DescribeClusterResponse(
                errorCode: ErrorCode.unsupportedEndpointType.rawValue,
                errorMessage: "The target broker only supports broker endpoints.", endpointType: request.endpointType))
        }
        return .respond(DescribeClusterResponse(
            errorCode: 0, endpointType: 1, clusterId: clusterId, controllerId: identity.nodeId,
            brokers: [.init(brokerId: identity.nodeId, host: identity.host, port: identity.port, rack: identity.rack)]))
    }
}

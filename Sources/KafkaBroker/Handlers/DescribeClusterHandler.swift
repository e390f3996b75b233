import KafkaProtocol

/// DescribeCluster: the live brokers, the controller and the cluster id.
struct DescribeClusterHandler: ApiHandler {
    typealias Request = DescribeClusterRequest
    let versions: ClosedRange<Int16> = 0...1
    let topics: TopicRegistry

    func handle(_ request: DescribeClusterRequest, context: RequestContext) -> HandlerResult<DescribeClusterResponse> {
        if context.apiVersion >= 1 && request.endpointType != 1 {
            // Only the broker endpoint type exists here; Kafka answers controller queries from
            // controllers only.
            return .respond(DescribeClusterResponse(
                errorCode: ErrorCode.unsupportedEndpointType.rawValue,
                errorMessage: "The target broker only supports broker endpoints.", endpointType: request.endpointType))
        }
        let cache = topics.cache
        return .respond(DescribeClusterResponse(
            errorCode: 0, endpointType: 1, clusterId: topics.clusterId, controllerId: cache.controllerId ?? -1,
            brokers: cache.brokers.compactMap { broker in
                broker.endpoint().map { .init(brokerId: broker.id, host: $0.host, port: Int32($0.port), rack: broker.rack) }
            }))
    }
}

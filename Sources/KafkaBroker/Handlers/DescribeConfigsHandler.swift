import KafkaProtocol

/// DescribeConfigs v0-v4: topic resources (effective values with sources and synonyms) and
/// this broker's static configuration; the cluster-default broker resource is empty because
/// Petrel has no dynamic broker configs.
struct DescribeConfigsHandler: ApiHandler {
    typealias Request = DescribeConfigsRequest
    let versions: ClosedRange<Int16> = 0...4
    let topics: any TopicConfigStore
    let resolver: TopicConfigResolver
    let nodeId: Int32

    func handle(_ request: DescribeConfigsRequest, context: RequestContext) -> HandlerResult<DescribeConfigsResponse> {
        let entries = DescribeConfigsEntries(
            resolver: resolver,
            includeSynonyms: context.apiVersion >= 1 && request.includeSynonyms,
            includeDocumentation: context.apiVersion >= 3 && request.includeDocumentation)
        var response = DescribeConfigsResponse()
        for resource in request.resources {
            var result = DescribeConfigsResponse.DescribeConfigsResult(
                errorCode: 0, errorMessage: nil, resourceType: resource.resourceType, resourceName: resource.resourceName)
            switch describe(resource, entries) {
            case .success(let configs):
                result.configs = configs
            case .failure(let error):
                result.errorCode = error.code.rawValue
                result.errorMessage = error.message
                context.logger.debug("describe configs refused", metadata: [
                    "resource": "\(resource.resourceType)/\(resource.resourceName)", "reason": "\(error.message)",
                ])
            }
            response.results.append(result)
        }
        return .respond(response)
    }

    private func describe(
        _ resource: DescribeConfigsRequest.DescribeConfigsResource, _ entries: DescribeConfigsEntries
    ) -> Result<[DescribeConfigsEntries.Entry], BrokerError> {
        let name = resource.resourceName
        switch ConfigResourceType(rawValue: resource.resourceType) {
        case .topic:
            if let problem = TopicNameRules.problem(with: name) {
                return .failure(BrokerError(.invalidTopicException, problem))
            }
            guard let overrides = topics.configOverrides(topic: name) else { return .failure(.unknownTopic(name)) }
            return .success(entries.topicEntries(overrides: overrides, keys: resource.configurationKeys))
        case .broker:
            if name.isEmpty { return .success([]) }
            if let problem = checkBrokerName(name) { return .failure(problem) }
            return .success(entries.brokerEntries(keys: resource.configurationKeys))
        case .brokerLogger:
            if name.isEmpty { return .failure(BrokerError(.invalidRequest, "Broker id must not be empty")) }
            if let problem = checkBrokerName(name) { return .failure(problem) }
            // Log levels are not adjustable at runtime, so there are no logger configs to show.
            return .success([])
        default:
            return .failure(BrokerError(.invalidRequest, "Unsupported resource type: \(resource.resourceType)"))
        }
    }

    private func checkBrokerName(_ name: String) -> BrokerError? {
        guard let id = Int32(name) else {
            return BrokerError(.invalidRequest, "Broker id must be an integer, but it is: \(name)")
        }
        guard id == nodeId else {
            return BrokerError(.invalidRequest, "Unexpected broker id, expected \(nodeId) or empty string, but received \(name)")
        }
        return nil
    }
}

import KafkaProtocol

/// AlterConfigs v0-v2 (the legacy API): each topic resource's list becomes the topic's whole
/// override set; keys left out go back to their broker-level values. validate_only checks
/// without storing. Broker resources accept only an empty change (see ConfigAlterSupport).
struct AlterConfigsHandler: AsyncApiHandler {
    typealias Request = AlterConfigsRequest
    let versions: ClosedRange<Int16> = 0...2
    let support: ConfigAlterSupport

    func handle(_ request: AlterConfigsRequest, context: RequestContext) async -> AlterConfigsResponse {
        var response = AlterConfigsResponse()
        let outcomes = await ConfigAlterSupport.outcomes(
            request.resources, id: { ($0.resourceType, $0.resourceName) },
            alter: { await alter($0, validateOnly: request.validateOnly) })
        for (resource, error) in outcomes {
            response.responses.append(.init(
                errorCode: error?.code.rawValue ?? 0, errorMessage: error?.message,
                resourceType: resource.resourceType, resourceName: resource.resourceName))
            log(resource, error: error, validateOnly: request.validateOnly, context: context)
        }
        return response
    }

    private func alter(_ resource: AlterConfigsRequest.AlterConfigsResource, validateOnly: Bool) async -> BrokerError? {
        let names = resource.configs.map(\.name)
        let nullValued = resource.configs.filter { $0.value == nil }.map(\.name)
        if let problem = ConfigAlterSupport.checkEntries(names: names, nullValued: nullValued) { return problem }
        switch ConfigResourceType(rawValue: resource.resourceType) {
        case .topic:
            var replacement: [String: String] = [:]
            for config in resource.configs {
                if let value = config.value { replacement[config.name] = value }
            }
            return await support.alterTopic(name: resource.resourceName, validateOnly: validateOnly) { _ in replacement }
        case .broker:
            return support.alterBroker(name: resource.resourceName, keys: names)
        default:
            return ConfigAlterSupport.unsupportedResource(resource.resourceType)
        }
    }

    private func log(
        _ resource: AlterConfigsRequest.AlterConfigsResource, error: BrokerError?, validateOnly: Bool, context: RequestContext
    ) {
        let target = "\(resource.resourceType)/\(resource.resourceName)"
        if let error {
            context.logger.info("alter configs refused", metadata: ["resource": "\(target)", "reason": "\(error.message)"])
        } else if !validateOnly && !resource.configs.isEmpty {
            context.logger.info("altered configs", metadata: [
                "resource": "\(target)", "configs": "\(resource.configs.map { "\($0.name)=\($0.value ?? "")" })",
            ])
        }
    }
}

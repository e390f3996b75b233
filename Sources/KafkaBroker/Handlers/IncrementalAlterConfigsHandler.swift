import KafkaProtocol

/// IncrementalAlterConfigs v0-v1: SET, DELETE, APPEND and SUBTRACT (the last two for list keys
/// only) applied to a topic's current overrides, the result validated as a whole, then stored
/// unless validate_only. Broker resources accept only an empty change (see ConfigAlterSupport).
struct IncrementalAlterConfigsHandler: AsyncApiHandler {
    typealias Request = IncrementalAlterConfigsRequest
    let versions: ClosedRange<Int16> = 0...1
    let support: ConfigAlterSupport

    enum Operation: Int8 {
        case set = 0
        case delete = 1
        case append = 2
        case subtract = 3

        var name: String {
            switch self {
            case .set: "SET"
            case .delete: "DELETE"
            case .append: "APPEND"
            case .subtract: "SUBTRACT"
            }
        }
    }

    func handle(_ request: IncrementalAlterConfigsRequest, context: RequestContext) async -> IncrementalAlterConfigsResponse {
        var response = IncrementalAlterConfigsResponse()
        let outcomes = await ConfigAlterSupport.outcomes(
            request.resources, id: { ($0.resourceType, $0.resourceName) },
            alter: { await alter($0, validateOnly: request.validateOnly) })
        for (resource, error) in outcomes {
            response.responses.append(.init(
                errorCode: error?.code.rawValue ?? 0, errorMessage: error?.message,
                resourceType: resource.resourceType, resourceName: resource.resourceName))
            let target = "\(resource.resourceType)/\(resource.resourceName)"
            if let error {
                context.logger.info("incremental alter configs refused", metadata: ["resource": "\(target)", "reason": "\(error.message)"])
            } else if !request.validateOnly && !resource.configs.isEmpty {
                context.logger.info("altered configs", metadata: [
                    "resource": "\(target)",
                    "changes": "\(resource.configs.map { "\($0.name) \(Operation(rawValue: $0.configOperation)?.name ?? "?") \($0.value ?? "")" })",
                ])
            }
        }
        return response
    }

    private func alter(_ resource: IncrementalAlterConfigsRequest.AlterConfigsResource, validateOnly: Bool) async -> BrokerError? {
        let names = resource.configs.map(\.name)
        let nullValued = resource.configs.filter { $0.value == nil && $0.configOperation != Operation.delete.rawValue }.map(\.name)
        if let problem = ConfigAlterSupport.checkEntries(names: names, nullValued: nullValued) { return problem }
        for config in resource.configs where Operation(rawValue: config.configOperation) == nil {
            return BrokerError(
                .invalidRequest,
                "Unknown operation \(config.configOperation) for config \(config.name); use 0 (SET), 1 (DELETE), 2 (APPEND) or 3 (SUBTRACT).")
        }
        switch ConfigResourceType(rawValue: resource.resourceType) {
        case .topic:
            return await support.alterTopic(name: resource.resourceName, validateOnly: validateOnly) { current throws(BrokerError) in
                try apply(resource.configs, to: current)
            }
        case .broker:
            return support.alterBroker(name: resource.resourceName, keys: names)
        default:
            return ConfigAlterSupport.unsupportedResource(resource.resourceType)
        }
    }

    /// The new override set. APPEND and SUBTRACT start from the override, else from the value the
    /// topic has now (the broker-level one), and work on comma-separated elements.
    func apply(_ configs: [IncrementalAlterConfigsRequest.AlterableConfig], to current: [String: String]) throws(BrokerError) -> [String: String] {
        var updated = current
        for config in configs {
            guard let operation = Operation(rawValue: config.configOperation) else { continue }
            switch operation {
            case .set:
                updated[config.name] = config.value
            case .delete:
                updated.removeValue(forKey: config.name)
            case .append, .subtract:
                guard TopicConfigDefinitions.definition(config.name)?.type == .list else {
                    throw BrokerError(.invalidConfig, "Can't \(operation.name) to key \(config.name) because its type is not LIST.")
                }
                var items = updated[config.name].map(Self.elements)
                    ?? support.resolver.broker.topicDefault(config.name)?.items ?? []
                for element in Self.elements(config.value ?? "") {
                    if operation == .append {
                        if !items.contains(element) { items.append(element) }
                    } else if let index = items.firstIndex(of: element) {
                        items.remove(at: index)
                    }
                }
                updated[config.name] = items.joined(separator: ",")
            }
        }
        return updated
    }

    private static func elements(_ text: String) -> [String] {
        ConfigValue.splitList(text.trimmingASCIIWhitespace()).filter { !$0.isEmpty }
    }
}

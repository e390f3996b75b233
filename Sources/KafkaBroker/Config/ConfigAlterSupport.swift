import KafkaProtocol

/// The checks and steps AlterConfigs and IncrementalAlterConfigs share, in Kafka's order
/// (ConfigAdminManager.preprocess, then the controller's validation, then the existence check).
struct ConfigAlterSupport: Sendable {
    let store: any TopicConfigStore
    let resolver: TopicConfigResolver
    let nodeId: Int32
    let lock: ConfigAlterLock

    /// Indices of resources named more than once; each of them gets INVALID_REQUEST.
    static func duplicateResources(_ ids: [(type: Int8, name: String)]) -> Set<Int> {
        var firstIndex: [String: Int] = [:]
        var duplicates = Set<Int>()
        for (index, id) in ids.enumerated() {
            let key = "\(id.type)/\(id.name)"
            if let first = firstIndex[key] {
                duplicates.insert(first)
                duplicates.insert(index)
            } else {
                firstIndex[key] = index
            }
        }
        return duplicates
    }

    static let duplicateResourceError = BrokerError(.invalidRequest, "Each resource must appear at most once.")

    /// The outcome of each resource of an alter request, in order: duplicates are refused
    /// outright, the rest go through `alter`.
    static func outcomes<Resource>(
        _ resources: [Resource], id: (Resource) -> (type: Int8, name: String), alter: (Resource) async -> BrokerError?
    ) async -> [(resource: Resource, error: BrokerError?)] {
        let duplicates = duplicateResources(resources.map(id))
        var out: [(resource: Resource, error: BrokerError?)] = []
        for (index, resource) in resources.enumerated() {
            out.append((resource, duplicates.contains(index) ? duplicateResourceError : await alter(resource)))
        }
        return out
    }

    /// Duplicate keys and missing values are request errors, before anything is validated.
    static func checkEntries(names: [String], nullValued: [String]) -> BrokerError? {
        if Set(names).count != names.count {
            return BrokerError(.invalidRequest, "Error due to duplicate config keys")
        }
        if !nullValued.isEmpty {
            return BrokerError(.invalidRequest, "Null value not supported for : \(nullValued.joined(separator: ", "))")
        }
        return nil
    }

    /// Broker resources: the name must be empty (cluster default) or this node's id. Petrel has no
    /// dynamic broker configs, so any change is refused the way Kafka refuses a static key.
    func alterBroker(name: String, keys: [String]) -> BrokerError? {
        if !name.isEmpty {
            guard let id = Int32(name) else {
                return BrokerError(.invalidRequest, "Node id must be an integer, but it is: \(name)")
            }
            if id != nodeId {
                return BrokerError(.invalidRequest, "Unexpected broker id, expected \(nodeId), but received \(name)")
            }
        }
        if keys.isEmpty { return nil }
        return BrokerError(
            .invalidRequest,
            "Cannot update these configs dynamically: \(keys.sorted().joined(separator: ", ")); Petrel reads broker configs only at startup, so set them in the properties file or with --set and restart.")
    }

    /// Broker loggers, client metrics and groups have no alterable configs here.
    static func unsupportedResource(_ type: Int8) -> BrokerError {
        if ConfigResourceType(rawValue: type) == .brokerLogger {
            return BrokerError(
                .invalidRequest, "Log levels cannot be changed at runtime; set PETREL_LOG_LEVEL and restart the broker.")
        }
        return BrokerError(.invalidRequest, "Unsupported resource type \(type) for altering configs")
    }

    /// Computes the topic's new override set from the current one, validates the whole set, checks
    /// the topic exists, then stores it unless `validateOnly`. Holds the alter lock throughout.
    func alterTopic(
        name: String, validateOnly: Bool,
        _ change: ([String: String]) throws(BrokerError) -> [String: String]
    ) async -> BrokerError? {
        if let problem = TopicNameRules.problem(with: name) {
            return BrokerError(.invalidTopicException, problem)
        }
        do throws(BrokerError) {
            try await lock.run { () async throws(BrokerError) in
                let current = store.configOverrides(topic: name)
                let updated = try change(current ?? [:])
                if let problem = resolver.problem(with: updated) { throw problem.brokerError }
                guard current != nil else { throw BrokerError.unknownTopic(name) }
                if !validateOnly { try await store.replaceConfigOverrides(topic: name, updated) }
            }
            return nil
        } catch {
            return error
        }
    }
}

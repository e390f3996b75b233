import KafkaProtocol

/// Metadata: brokers, cluster id, controller, and topics with their partitions.
/// Honors auto.create.topics.enable and the request's allow_auto_topic_creation (v4+).
struct MetadataHandler: ApiHandler {
    typealias Request = MetadataRequest
    let versions: ClosedRange<Int16> = 0...12
    let identity: BrokerIdentity
    let topics: TopicRegistry
    let defaults: TopicDefaults
    /// Auto-created topics are created here, off the event loop.
    let admin: AdminExecutor

    func handle(_ request: MetadataRequest, context: RequestContext) -> HandlerResult<MetadataResponse> {
        var response = MetadataResponse(
            brokers: [.init(nodeId: identity.nodeId, host: identity.host, port: identity.port, rack: identity.rack)],
            clusterId: topics.clusterId, controllerId: identity.nodeId)
        // v0 uses an empty list for "all topics"; v1+ uses null.
        let all = request.topics == nil || (context.apiVersion == 0 && request.topics?.isEmpty == true)
        if all {
            response.topics = topics.allTopics().map { describe($0, version: context.apiVersion) }
            return .respond(response)
        }
        let allowCreate = defaults.autoCreate && (context.apiVersion < 4 || request.allowAutoTopicCreation)
        let requested = request.topics ?? []
        let creates = allowCreate && requested.contains { $0.name.map { topics.topic(named: $0) == nil } ?? false }
        guard creates else {
            response.topics = describe(requested, allowCreate: false, context: context)
            return .respond(response)
        }
        let base = response
        return .later(admin.run(on: context.eventLoop) { [self] in
            var response = base
            response.topics = describe(requested, allowCreate: true, context: context)
            return response
        })
    }

    private func describe(
        _ requested: [MetadataRequest.MetadataRequestTopic], allowCreate: Bool, context: RequestContext
    ) -> [MetadataResponse.MetadataResponseTopic] {
        requested.map { requested in
            if let name = requested.name {
                return lookup(name: name, allowCreate: allowCreate, context: context)
            } else if let state = topics.topic(id: requested.topicId) {
                return describe(state, version: context.apiVersion)
            }
            return .init(errorCode: ErrorCode.unknownTopicId.rawValue, name: nil, topicId: requested.topicId)
        }
    }

    private func lookup(name: String, allowCreate: Bool, context: RequestContext) -> MetadataResponse.MetadataResponseTopic {
        if let state = topics.topic(named: name) { return describe(state, version: context.apiVersion) }
        if TopicNameRules.problem(with: name) != nil {
            return .init(errorCode: ErrorCode.invalidTopicException.rawValue, name: name)
        }
        guard allowCreate else {
            return .init(errorCode: ErrorCode.unknownTopicOrPartition.rawValue, name: name)
        }
        do {
            let state = try topics.createTopic(
                name: name, partitions: defaults.partitions, replicationFactor: defaults.replicationFactor, configs: [:])
            return describe(state, version: context.apiVersion)
        } catch {
            // Another request may have created it a moment ago.
            if let state = topics.topic(named: name) { return describe(state, version: context.apiVersion) }
            context.logger.warning("auto-create failed", metadata: ["topic": "\(name)", "error": "\(error)"])
            return .init(errorCode: error.code.rawValue, name: name)
        }
    }

    private func describe(_ state: TopicState, version: Int16) -> MetadataResponse.MetadataResponseTopic {
        let node = identity.nodeId
        return .init(
            errorCode: 0, name: state.metadata.name, topicId: state.metadata.id, isInternal: state.metadata.isInternal,
            partitions: state.partitions.map { partition in
                .init(
                    errorCode: 0, partitionIndex: partition.index, leaderId: node, leaderEpoch: partition.leaderEpoch,
                    replicaNodes: [node], isrNodes: [node], offlineReplicas: [])
            })
    }
}

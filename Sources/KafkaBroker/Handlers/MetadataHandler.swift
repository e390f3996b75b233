import Cluster
import KafkaProtocol
import LogStorage

/// Metadata: the live brokers, cluster id, controller, and topics with each partition's leader,
/// leader epoch, replicas, ISR and offline replicas. Honors auto.create.topics.enable and the
/// request's allow_auto_topic_creation (v4+); creating waits on the cluster, so only such
/// requests leave the event loop.
struct MetadataHandler: ApiHandler {
    typealias Request = MetadataRequest
    let versions: ClosedRange<Int16> = 0...12
    let topics: TopicRegistry
    let defaults: TopicDefaults

    func handle(_ request: MetadataRequest, context: RequestContext) -> HandlerResult<MetadataResponse> {
        let image = topics.cache.image
        var response = MetadataResponse(
            brokers: image.brokers.values.sorted { $0.id < $1.id }.compactMap { broker in
                broker.endpoint().map { .init(nodeId: broker.id, host: $0.host, port: Int32($0.port), rack: broker.rack) }
            },
            clusterId: topics.clusterId, controllerId: image.controller?.brokerID ?? -1)
        // v0 uses an empty list for "all topics"; v1+ uses null.
        let all = request.topics == nil || (context.apiVersion == 0 && request.topics?.isEmpty == true)
        if all {
            response.topics = image.topics.keys.sorted().compactMap { name in
                image.topics[name].map { describe($0, in: image) }
            }
            return .respond(response)
        }
        let allowCreate = defaults.autoCreate && (context.apiVersion < 4 || request.allowAutoTopicCreation)
        let requested = request.topics ?? []
        let missing = requested.compactMap(\.name).filter { image.topics[$0] == nil && TopicNameRules.problem(with: $0) == nil }
        guard allowCreate, !missing.isEmpty else {
            response.topics = requested.map { lookup($0, in: image, created: [:]) }
            return .respond(response)
        }
        let base = response
        return .later(context.eventLoop.makeFutureWithTask { [self] in
            var created: [String: ErrorCode] = [:]
            for name in Set(missing) {
                do throws(BrokerError) {
                    try await topics.createTopic(
                        name: name, partitions: defaults.partitions, replicationFactor: defaults.replicationFactor, configs: [:])
                } catch {
                    // Another request may have created it a moment ago.
                    if error.code != .topicAlreadyExists {
                        created[name] = error.code
                        context.logger.warning("auto-create failed", metadata: ["topic": "\(name)", "error": "\(error)"])
                    }
                }
            }
            var response = base
            let image = topics.cache.image
            response.topics = requested.map { lookup($0, in: image, created: created) }
            return response
        })
    }

    private func lookup(
        _ requested: MetadataRequest.MetadataRequestTopic, in image: MetadataImage, created failures: [String: ErrorCode]
    ) -> MetadataResponse.MetadataResponseTopic {
        guard let name = requested.name else {
            if let topic = image.topic(id: requested.topicId) { return describe(topic, in: image) }
            return .init(errorCode: ErrorCode.unknownTopicId.rawValue, name: nil, topicId: requested.topicId)
        }
        if let topic = image.topics[name] { return describe(topic, in: image) }
        if TopicNameRules.problem(with: name) != nil {
            return .init(errorCode: ErrorCode.invalidTopicException.rawValue, name: name)
        }
        return .init(errorCode: (failures[name] ?? .unknownTopicOrPartition).rawValue, name: name)
    }

    private func describe(_ topic: TopicAssignment, in image: MetadataImage) -> MetadataResponse.MetadataResponseTopic {
        .init(
            errorCode: 0, name: topic.name, topicId: topic.topicID, isInternal: TopicMetadata.isInternal(topic.name),
            partitions: topic.partitions.enumerated().map { index, replicas in
                let state = image.partitions[TopicPartition(topic: topic.name, partition: Int32(index))]
                let offline = replicas.filter { image.brokers[$0] == nil }
                let leader = state.flatMap { $0.hasLeader && image.brokers[$0.leader] != nil ? $0.leader : nil }
                return .init(
                    errorCode: leader == nil ? ErrorCode.leaderNotAvailable.rawValue : 0, partitionIndex: Int32(index),
                    leaderId: leader ?? -1, leaderEpoch: state?.leaderEpoch ?? -1, replicaNodes: replicas,
                    isrNodes: state?.isr ?? [], offlineReplicas: offline)
            })
    }
}

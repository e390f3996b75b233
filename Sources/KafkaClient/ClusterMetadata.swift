import KafkaProtocol

/// What Metadata said about the cluster: brokers, the controller and topics.
public struct ClusterMetadata: Sendable, Equatable {
    public var clusterId: String?
    /// -1 when the broker did not name one.
    public var controllerId: Int32
    public var brokers: [Int32: BrokerAddress]
    /// `broker.rack` of the brokers that have one.
    public var racks: [Int32: String] = [:]
    public var topics: [String: TopicMetadata]

    public init(
        clusterId: String? = nil, controllerId: Int32 = -1, brokers: [Int32: BrokerAddress] = [:],
        topics: [String: TopicMetadata] = [:]
    ) {
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.brokers = brokers
        self.topics = topics
    }

    init(response: MetadataResponse) {
        var brokers: [Int32: BrokerAddress] = [:]
        for b in response.brokers { brokers[b.nodeId] = BrokerAddress(host: b.host, port: Int(b.port)) }
        var topics: [String: TopicMetadata] = [:]
        for t in response.topics {
            guard let name = t.name else { continue }
            topics[name] = TopicMetadata(response: t, name: name)
        }
        self.init(clusterId: response.clusterId, controllerId: response.controllerId, brokers: brokers, topics: topics)
        for b in response.brokers { racks[b.nodeId] = b.rack }
    }
}

public struct TopicMetadata: Sendable, Equatable {
    public var name: String
    public var topicId: KafkaUUID
    public var isInternal: Bool
    /// Sorted by partition index.
    public var partitions: [PartitionMetadata]
    /// The topic-level error (NONE, or e.g. LEADER_NOT_AVAILABLE while being created).
    public var errorCode: ErrorCode

    public init(
        name: String, topicId: KafkaUUID = .zero, isInternal: Bool = false, partitions: [PartitionMetadata] = [],
        errorCode: ErrorCode = .none
    ) {
        self.name = name
        self.topicId = topicId
        self.isInternal = isInternal
        self.partitions = partitions
        self.errorCode = errorCode
    }

    init(response t: MetadataResponse.MetadataResponseTopic, name: String) {
        self.init(
            name: name, topicId: t.topicId, isInternal: t.isInternal,
            partitions: t.partitions.map(PartitionMetadata.init(response:)).sorted { $0.partition < $1.partition },
            errorCode: ErrorCode(t.errorCode))
    }

    public func partition(_ index: Int32) -> PartitionMetadata? {
        // Partitions are normally 0..<count in order; fall back to a search otherwise.
        if index >= 0, Int(index) < partitions.count, partitions[Int(index)].partition == index {
            return partitions[Int(index)]
        }
        return partitions.first { $0.partition == index }
    }

    /// Usable for routing: no topic error and every partition has a leader.
    var isComplete: Bool {
        errorCode == .none && !partitions.isEmpty && partitions.allSatisfy { $0.leader >= 0 }
    }
}

public struct PartitionMetadata: Sendable, Equatable {
    public var partition: Int32
    /// -1 when there is no leader.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    public var offlineReplicas: [Int32]
    public var errorCode: ErrorCode

    public init(
        partition: Int32, leader: Int32, leaderEpoch: Int32 = -1, replicas: [Int32] = [], isr: [Int32] = [],
        offlineReplicas: [Int32] = [], errorCode: ErrorCode = .none
    ) {
        self.partition = partition
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.replicas = replicas
        self.isr = isr
        self.offlineReplicas = offlineReplicas
        self.errorCode = errorCode
    }

    init(response p: MetadataResponse.MetadataResponsePartition) {
        self.init(
            partition: p.partitionIndex, leader: p.leaderId, leaderEpoch: p.leaderEpoch, replicas: p.replicaNodes,
            isr: p.isrNodes, offlineReplicas: p.offlineReplicas, errorCode: ErrorCode(p.errorCode))
    }
}

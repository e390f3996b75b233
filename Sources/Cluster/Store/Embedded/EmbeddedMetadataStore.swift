import LogStorage

/// One broker's session on an `EmbeddedMetadataBackend`; the same contract as
/// `ZooKeeperMetadataStore`, answered from memory.
public final class EmbeddedMetadataStore: MetadataStore {
    public let backend: EmbeddedMetadataBackend
    public let sessionID: Int64
    private let signal: SessionEndSignal
    let watches = SessionWatches()

    init(backend: EmbeddedMetadataBackend, sessionID: Int64, signal: SessionEndSignal) {
        self.backend = backend
        self.sessionID = sessionID
        self.signal = signal
    }

    public var isSessionAlive: Bool { signal.end == nil }
    public func sessionEnded() async -> SessionEnd { await signal.wait() }
    public func close() async { backend.endSession(sessionID, .closed) }
    public func makeWatch() -> MetadataWatch {
        let watch = backend.makeWatch()
        watches.add(watch)
        return watch
    }

    public func clusterID() async throws(ClusterError) -> String {
        try backend.write(sessionID) { state throws(ClusterError) in
            if let id = state.clusterID { return id }
            let id = newClusterID()
            state.clusterID = id
            return id
        }
    }

    // MARK: Brokers

    public func registerBroker(_ registration: BrokerRegistration) async throws(ClusterError) -> BrokerRegistration {
        var registration = registration
        if registration.timestamp == 0 { registration.timestamp = currentTimeMillis() }
        let session = sessionID
        return try backend.write(session) { state throws(ClusterError) in
            try state.registerBroker(registration, session: session)
        }
    }

    public func unregisterBroker(_ id: Int32) async throws(ClusterError) {
        let session = sessionID
        try backend.write(session) { state in state.unregisterBroker(id, session: session) }
    }

    public func liveBrokers(watch: MetadataWatch?) async throws(ClusterError) -> [BrokerRegistration] {
        let session = sessionID
        return try backend.read(session) { state in
            state.register(watch, for: .brokers, session: session)
            return state.brokers.values.map(\.registration).sorted { $0.id < $1.id }
        }
    }

    // MARK: Topics

    public func createTopic(_ topic: TopicAssignment, configs: [String: String]) async throws(ClusterError) -> TopicAssignment {
        try backend.write(sessionID) { state throws(ClusterError) in try state.createTopic(topic, configs: configs) }
    }

    public func updateTopicAssignment(_ topic: TopicAssignment, fence: ControllerFence?) async throws(ClusterError) -> TopicAssignment {
        try backend.write(sessionID) { state throws(ClusterError) in try state.updateTopicAssignment(topic, fence: fence) }
    }

    public func deleteTopic(_ name: String) async throws(ClusterError) {
        try backend.write(sessionID) { state throws(ClusterError) in try state.deleteTopic(name) }
    }

    public func topicNames(watch: MetadataWatch?) async throws(ClusterError) -> [String] {
        let session = sessionID
        return try backend.read(session) { state in
            state.register(watch, for: .topics, session: session)
            return state.topics.keys.sorted()
        }
    }

    public func topic(_ name: String, watch: MetadataWatch?) async throws(ClusterError) -> TopicAssignment? {
        let session = sessionID
        return try backend.read(session) { state in
            state.register(watch, for: .topic(name), session: session)
            return state.topics[name]
        }
    }

    public func topicConfigs(_ name: String, watch: MetadataWatch?) async throws(ClusterError) -> [String: String] {
        let session = sessionID
        return try backend.read(session) { state in
            state.register(watch, for: .topicConfig(name), session: session)
            return state.configs[name] ?? [:]
        }
    }

    public func setTopicConfigs(_ name: String, _ configs: [String: String]) async throws(ClusterError) {
        try backend.write(sessionID) { state throws(ClusterError) in try state.setTopicConfigs(name, configs) }
    }

    // MARK: Partition state

    public func partitionState(_ partition: TopicPartition, watch: MetadataWatch?) async throws(ClusterError) -> PartitionState? {
        let session = sessionID
        return try backend.read(session) { state in
            state.register(watch, for: .partitionState(partition), session: session)
            return state.states[partition]
        }
    }

    public func partitionStates(_ partitions: [TopicPartition], watch: MetadataWatch?) async throws(ClusterError)
        -> [TopicPartition: PartitionState]
    {
        let session = sessionID
        return try backend.read(session) { state in
            var found: [TopicPartition: PartitionState] = [:]
            for partition in partitions {
                state.register(watch, for: .partitionState(partition), session: session)
                found[partition] = state.states[partition]
            }
            return found
        }
    }

    public func writePartitionStates(_ writes: [PartitionStateWrite], fence: ControllerFence) async
        -> [TopicPartition: Result<PartitionState, ClusterError>]
    {
        do {
            // One lock, one file write for the whole batch.
            return try backend.write(sessionID) { state in
                var results: [TopicPartition: Result<PartitionState, ClusterError>] = [:]
                for write in writes { results[write.partition] = state.writePartitionState(write, fence: fence) }
                return results
            }
        } catch {
            return Dictionary(writes.map { ($0.partition, .failure(error)) }, uniquingKeysWith: { _, last in last })
        }
    }

    // MARK: Controller

    public func elect(brokerID: Int32) async throws(ClusterError) -> ControllerFence? {
        let session = sessionID
        return try backend.write(session) { state in state.elect(brokerID: brokerID, session: session, now: currentTimeMillis()) }
    }

    public func controller(watch: MetadataWatch?) async throws(ClusterError) -> ControllerRegistration? {
        let session = sessionID
        return try backend.read(session) { state in
            state.register(watch, for: .controller, session: session)
            return state.controller.map {
                ControllerRegistration(brokerID: $0.brokerID, epoch: state.controllerEpoch, timestamp: $0.timestamp)
            }
        }
    }

    public func resign(_ fence: ControllerFence) async throws(ClusterError) {
        try backend.write(sessionID) { state in state.resign(fence) }
    }
}

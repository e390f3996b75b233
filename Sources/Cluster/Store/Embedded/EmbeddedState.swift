import LogStorage

/// The embedded backend's whole state and its rules, mirroring what the ZooKeeper store gets from
/// ZooKeeper: ephemeral registrations owned by sessions, versions bumped on every write,
/// conditional writes, one-shot watches fired in order. `EmbeddedMetadataBackend` runs each
/// method under its lock, persists, and delivers `fired`.
struct EmbeddedState {
    var clusterID: String?
    /// Counts every write, like ZooKeeper's zxid; a registration's value is its broker epoch.
    var lastTransactionID: Int64 = 0
    var brokers: [Int32: (registration: BrokerRegistration, session: Int64)] = [:]
    var topics: [String: TopicAssignment] = [:]
    var configs: [String: [String: String]] = [:]
    var states: [TopicPartition: PartitionState] = [:]
    var controller: (brokerID: Int32, timestamp: Int64, session: Int64)?
    /// As ZooKeeper's `/controller_epoch` after creation: epoch 0 at version 0.
    var controllerEpoch: Int32 = 0
    var controllerEpochVersion: Int32 = 0

    var liveSessions: [Int64: SessionEndSignal] = [:]
    var lastSessionID: Int64 = 0
    private var watches: [MetadataChange: [UInt64: MetadataWatch]] = [:]
    private var watchesBySession: [Int64: Set<UInt64>] = [:]
    /// Watches fired by the current operation, in order; the backend delivers and clears them.
    var fired: [(MetadataWatch, MetadataChange)] = []

    // MARK: Sessions and watches

    mutating func openSession() -> (Int64, SessionEndSignal) {
        lastSessionID += 1
        let signal = SessionEndSignal()
        liveSessions[lastSessionID] = signal
        return (lastSessionID, signal)
    }

    func requireLive(_ session: Int64) throws(ClusterError) {
        guard liveSessions[session] != nil else { throw .sessionEnded("embedded metadata session \(session) has ended") }
    }

    /// Ends a session: its registrations and controllership go (firing their watches), its
    /// watches finish. Returns its signal for the caller to finish outside the lock.
    mutating func endSession(_ session: Int64) -> SessionEndSignal? {
        guard let signal = liveSessions.removeValue(forKey: session) else { return nil }
        for (id, entry) in brokers where entry.session == session {
            brokers[id] = nil
            fire(.brokers)
        }
        if controller?.session == session {
            controller = nil
            fire(.controller)
        }
        for watchID in watchesBySession.removeValue(forKey: session) ?? [] {
            for key in Array(watches.keys) {
                if let watch = watches[key]?.removeValue(forKey: watchID) { watch.finish() }
                if watches[key]?.isEmpty == true { watches[key] = nil }
            }
        }
        return signal
    }

    mutating func register(_ watch: MetadataWatch?, for change: MetadataChange, session: Int64) {
        guard let watch, !watch.isCancelled else { return }
        watches[change, default: [:]][watch.id] = watch
        watchesBySession[session, default: []].insert(watch.id)
    }

    mutating func fire(_ change: MetadataChange) {
        guard let registered = watches.removeValue(forKey: change) else { return }
        for (_, watch) in registered.sorted(by: { $0.key < $1.key }) { fired.append((watch, change)) }
    }

    mutating func nextTransactionID() -> Int64 {
        lastTransactionID += 1
        return lastTransactionID
    }

    // MARK: Brokers

    mutating func registerBroker(_ registration: BrokerRegistration, session: Int64) throws(ClusterError) -> BrokerRegistration {
        var registration = registration
        if let existing = brokers[registration.id] {
            guard existing.session == session else { throw .brokerIDInUse(registration.id) }
            registration.epoch = existing.registration.epoch
        } else {
            registration.epoch = nextTransactionID()
            fire(.brokers)
        }
        brokers[registration.id] = (registration, session)
        return registration
    }

    mutating func unregisterBroker(_ id: Int32, session: Int64) {
        guard brokers[id]?.session == session else { return }
        brokers[id] = nil
        fire(.brokers)
    }

    // MARK: Topics

    mutating func createTopic(_ topic: TopicAssignment, configs: [String: String]) throws(ClusterError) -> TopicAssignment {
        try topic.validate()
        guard topics[topic.name] == nil else { throw .topicExists(topic.name) }
        var stored = topic
        stored.version = 0
        topics[topic.name] = stored
        self.configs[topic.name] = configs
        _ = nextTransactionID()
        fire(.topics)
        fire(.topic(topic.name))
        fire(.topicConfig(topic.name))
        return stored
    }

    mutating func updateTopicAssignment(_ topic: TopicAssignment, fence: ControllerFence?) throws(ClusterError) -> TopicAssignment {
        try topic.validate()
        if let fence, fence.epochVersion != controllerEpochVersion {
            throw .controllerMoved("\(fence) was superseded by controller epoch \(controllerEpoch)")
        }
        guard let current = topics[topic.name] else { throw .unknownTopic(topic.name) }
        guard current.version == topic.version else {
            throw .staleVersion("topic \(topic.name) is at version \(current.version), not \(topic.version)")
        }
        var stored = topic
        stored.version = current.version + 1
        topics[topic.name] = stored
        _ = nextTransactionID()
        fire(.topic(topic.name))
        return stored
    }

    mutating func deleteTopic(_ name: String) throws(ClusterError) {
        guard let topic = topics.removeValue(forKey: name) else { throw .unknownTopic(name) }
        configs[name] = nil
        for partition in topic.topicPartitions where states.removeValue(forKey: partition) != nil {
            fire(.partitionState(partition))
        }
        _ = nextTransactionID()
        fire(.topics)
        fire(.topic(name))
        fire(.topicConfig(name))
    }

    mutating func setTopicConfigs(_ name: String, _ configs: [String: String]) throws(ClusterError) {
        guard topics[name] != nil else { throw .unknownTopic(name) }
        self.configs[name] = configs
        _ = nextTransactionID()
        fire(.topicConfig(name))
    }

    // MARK: Partition states and the controller

    mutating func writePartitionState(_ write: PartitionStateWrite, fence: ControllerFence) -> Result<PartitionState, ClusterError> {
        guard fence.epochVersion == controllerEpochVersion else {
            return .failure(.controllerMoved("\(fence) was superseded by controller epoch \(controllerEpoch)"))
        }
        guard topics[write.partition.topic] != nil else {
            return .failure(.notFound("\(write.partition): the topic does not exist"))
        }
        var state = write.state
        state.controllerEpoch = fence.epoch
        let current = states[write.partition]
        if write.isCreate {
            guard current == nil else {
                return .failure(ClusterError(.alreadyExists, code: .unknownServerError, "\(write.partition) has a state already"))
            }
            state.partitionEpoch = 0
        } else {
            guard let current else { return .failure(.notFound("\(write.partition) has no state")) }
            guard current.partitionEpoch == write.expectedPartitionEpoch else {
                return .failure(.staleVersion("\(write.partition) is at partition epoch \(current.partitionEpoch)"))
            }
            state.partitionEpoch = current.partitionEpoch + 1
        }
        states[write.partition] = state
        _ = nextTransactionID()
        fire(.partitionState(write.partition))
        return .success(state)
    }

    mutating func elect(brokerID: Int32, session: Int64, now: Int64) -> ControllerFence? {
        if let controller {
            guard controller.session == session, controller.brokerID == brokerID else { return nil }
            return ControllerFence(brokerID: brokerID, epoch: controllerEpoch, epochVersion: controllerEpochVersion)
        }
        controllerEpoch += 1
        controllerEpochVersion += 1
        controller = (brokerID, now, session)
        _ = nextTransactionID()
        fire(.controller)
        return ControllerFence(brokerID: brokerID, epoch: controllerEpoch, epochVersion: controllerEpochVersion)
    }

    mutating func resign(_ fence: ControllerFence) {
        guard fence.epochVersion == controllerEpochVersion, controller != nil else { return }
        controller = nil
        _ = nextTransactionID()
        fire(.controller)
    }
}

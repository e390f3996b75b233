import KafkaProtocol
import LogStorage

/// The controller as a state machine without I/O: `handle(event)` updates what it knows and
/// returns what to do. It elects leaders (from the ISR unless unclean election is allowed),
/// shrinks ISRs when replicas die or shut down, creates the states of new partitions, applies
/// leaders' ISR changes, moves leadership off brokers in controlled shutdown and back to
/// preferred replicas, carries out partition reassignments (ControllerState+Reassignment) and
/// admins' leader elections (ControllerState+ElectLeaders). Every change is a conditional write fenced by the controller epoch; the
/// state machine keeps one batch of writes in flight and decides again from what the store
/// confirmed, so decisions never rest on unconfirmed writes.
public struct ControllerState: Sendable {
    public let config: ControllerConfig
    /// Set while this broker is the controller.
    public internal(set) var fence: ControllerFence?
    /// What the controller knows: brokers, topics, configs and the confirmed partition states.
    public internal(set) var image = MetadataImage()
    /// Brokers in controlled shutdown (forgotten when their registration changes or goes).
    public internal(set) var shuttingDown: Set<Int32> = []
    /// Running totals, for metrics.
    public internal(set) var counters = ControllerCounters()

    /// Partitions to decide again at the next batch.
    var dirty: Set<TopicPartition> = []
    /// Partitions whose write lost a race; no decisions until their state is read again.
    var awaitingReload: Set<TopicPartition> = []
    /// Partitions whose write failed for a passing reason; decided again at `.retry`.
    var retryPending: Set<TopicPartition> = []
    /// Brokers seen bouncing (new broker epoch) not yet processed for these partitions.
    var bounced: [TopicPartition: Set<Int32>] = [:]
    var queuedIsrChanges: [PendingIsrChange] = []
    var queuedShutdowns: [(requestID: UInt64, broker: Int32)] = []
    var queuedElections: [PendingElection] = []
    /// Partitions whose replica set changed since their state was last written: the next write
    /// raises the leader epoch (so the leader learns the set) and keeps leader and ISR inside it.
    var replicasChanged: Set<TopicPartition> = []
    /// Topics whose assignment this controller is writing (completing reassignments).
    var assignmentWrites: Set<String> = []
    var preferredCheckRequested = false
    var inFlight: Batch?
    var nextBatchID: UInt64 = 1

    struct PendingIsrChange {
        var requestID: UInt64
        var request: IsrChangeRequest
        var results: IsrChangeResult = [:]
        /// Items not answered yet.
        var open: [IsrChangeRequest.Item]
        /// Partitions written for it in the batch in flight.
        var writing: Set<TopicPartition> = []
    }

    struct Batch {
        var id: UInt64
        var writes: [TopicPartition: (write: PartitionStateWrite, change: LeaderElection.Change)] = [:]
        var isrChanges: [PendingIsrChange] = []
        var shutdowns: [(requestID: UInt64, broker: Int32)] = []
        var elections: [PendingElection] = []
        /// The replicas each write that applied a replica-set change was decided for.
        var reshaped: [TopicPartition: [Int32]] = [:]
    }

    public init(config: ControllerConfig) {
        self.config = config
    }

    public var isActive: Bool { fence != nil }

    var liveness: LeaderElection.Liveness {
        LeaderElection.Liveness(live: Set(image.brokers.keys), shuttingDown: shuttingDown)
    }

    public mutating func handle(_ event: ControllerEvent) -> [ControllerAction] {
        switch event {
        case .elected(let fence, let image):
            return becomeController(fence, image)
        case .resigned:
            return resign(answering: .notController("broker \(config.brokerID) is no longer the controller"))
        case .brokersChanged(let brokers):
            brokersChanged(brokers)
        case .topicChanged(let topic, let configs):
            topicChanged(topic, configs: configs)
        case .topicDeleted(let name):
            return topicDeleted(name) + nextBatch()
        case .topicConfigChanged(let name, let configs):
            topicConfigChanged(name, configs)
        case .partitionStatesRead(let states):
            statesRead(states)
        case .isrChangeRequested(let request, let requestID):
            if let refusal = refuseIsrChange(request) { return [.answerIsrChange(requestID: requestID, refusal)] }
            queuedIsrChanges.append(PendingIsrChange(requestID: requestID, request: request, open: request.items))
        case .controlledShutdownRequested(let broker, let brokerEpoch, let requestID):
            if let refusal = refuseShutdown(broker: broker, brokerEpoch: brokerEpoch) {
                return [.answerControlledShutdown(requestID: requestID, .failure(refusal))]
            }
            shuttingDown.insert(broker)
            for (partition, _) in image.partitions(onBroker: broker) { dirty.insert(partition) }
            queuedShutdowns.append((requestID, broker))
        case .electLeadersRequested(let request, let requestID):
            if let answer = electLeadersRequested(request, requestID: requestID) { return [answer] }
        case .preferredLeaderCheck:
            if config.autoLeaderRebalanceEnable { preferredCheckRequested = true }
        case .writesCompleted(let batchID, let results):
            return writesCompleted(batchID: batchID, results: results)
        case .assignmentWritten(let topic, let result):
            return assignmentWritten(topic: topic, result)
        case .retry:
            dirty.formUnion(retryPending)
            retryPending = []
        }
        return nextBatch()
    }

    // MARK: Controllership

    private mutating func becomeController(_ fence: ControllerFence, _ image: MetadataImage) -> [ControllerAction] {
        var actions = resign(answering: .notController("the controller restarted"))
        self.fence = fence
        self.image = image
        // Decide every partition afresh: offline ones, dead replicas in ISRs, missing states.
        dirty = Set(image.allPartitions)
        actions += nextBatch()
        return actions
    }

    /// Forgets the controllership and answers every waiting request with `error`.
    private mutating func resign(answering error: ClusterError) -> [ControllerAction] {
        var actions: [ControllerAction] = []
        var pending = queuedIsrChanges
        var shutdowns = queuedShutdowns
        var elections = queuedElections
        if let inFlight {
            pending += inFlight.isrChanges
            shutdowns += inFlight.shutdowns
            elections += inFlight.elections
        }
        for change in pending {
            var results = change.results
            for item in change.request.items where results[item.partition] == nil { results[item.partition] = .failure(error) }
            actions.append(.answerIsrChange(requestID: change.requestID, results))
        }
        for shutdown in shutdowns { actions.append(.answerControlledShutdown(requestID: shutdown.requestID, .failure(error))) }
        for election in elections { actions.append(.answerElectLeaders(requestID: election.requestID, .failure(error))) }
        fence = nil
        shuttingDown = []
        dirty = []
        awaitingReload = []
        retryPending = []
        bounced = [:]
        queuedIsrChanges = []
        queuedShutdowns = []
        queuedElections = []
        replicasChanged = []
        assignmentWrites = []
        preferredCheckRequested = false
        inFlight = nil
        return actions
    }

    // MARK: Metadata changes

    private mutating func brokersChanged(_ registrations: [BrokerRegistration]) {
        let old = image.brokers
        var new: [Int32: BrokerRegistration] = [:]
        for registration in registrations { new[registration.id] = registration }
        image.brokers = new
        var changed = Set(old.keys).symmetricDifference(new.keys)
        for (id, registration) in new {
            guard let before = old[id], before.epoch != registration.epoch else { continue }
            // Gone and back between two looks: it may have lost what it had, so it leaves the
            // ISRs and leaderships it held before it may rejoin.
            changed.insert(id)
            for (partition, _) in image.partitions(onBroker: id) {
                guard let state = image.partitions[partition], state.leader == id || state.isr.contains(id) else { continue }
                bounced[partition, default: []].insert(id)
            }
        }
        guard !changed.isEmpty else { return }
        shuttingDown.subtract(changed)
        for partition in image.allPartitions {
            guard let replicas = image.replicas(of: partition) else { continue }
            let state = image.partitions[partition]
            if state == nil || state?.hasLeader == false || !changed.isDisjoint(with: replicas) { dirty.insert(partition) }
        }
    }

    mutating func topicChanged(_ topic: TopicAssignment, configs: [String: String]) {
        if let existing = image.topics[topic.name] {
            if existing.topicID != topic.topicID {
                _ = topicDeleted(topic.name)
            } else if topic.version < existing.version {
                // Read before this controller's own newer write landed: already superseded.
                return
            } else {
                noteReplicaChanges(from: existing, to: topic)
            }
        }
        image.topics[topic.name] = topic
        image.configs[topic.name] = configs
        for partition in topic.topicPartitions
        where image.partitions[partition] == nil || topic.isBeingReassigned(partition.partition) {
            dirty.insert(partition)
        }
    }

    private mutating func topicDeleted(_ name: String) -> [ControllerAction] {
        guard let topic = image.topics.removeValue(forKey: name) else { return [] }
        image.configs[name] = nil
        for partition in topic.topicPartitions {
            image.partitions[partition] = nil
            dirty.remove(partition)
            awaitingReload.remove(partition)
            bounced[partition] = nil
            replicasChanged.remove(partition)
        }
        return answerQueuedIsrChanges(forTopic: name, with: .unknownTopic(name))
    }

    private mutating func topicConfigChanged(_ name: String, _ configs: [String: String]) {
        guard let topic = image.topics[name] else { return }
        image.configs[name] = configs
        // Unclean election may have become allowed: leaderless partitions get another look.
        for partition in topic.topicPartitions where image.partitions[partition]?.hasLeader == false {
            dirty.insert(partition)
        }
    }

    private mutating func statesRead(_ states: [TopicPartition: PartitionState?]) {
        for (partition, state) in states {
            guard image.replicas(of: partition) != nil, inFlight?.writes[partition] == nil else { continue }
            if awaitingReload.remove(partition) != nil {
                image.partitions[partition] = state
                dirty.insert(partition)
            } else if let state, state.partitionEpoch > image.partitions[partition]?.partitionEpoch ?? -1 {
                // Newer than what this controller confirmed: someone else wrote it.
                image.partitions[partition] = state
                dirty.insert(partition)
            }
        }
    }

    func uncleanAllowed(_ partition: TopicPartition) -> Bool {
        config.uncleanAllowed(topicConfigs: image.configs[partition.topic])
    }
}

/// Running totals of what the controller did, read by the runner for metrics.
public struct ControllerCounters: Sendable, Hashable {
    public var cleanElections = 0
    public var uncleanElections = 0
    public var preferredElections = 0
    public var controlledShutdownMoves = 0
    public var isrExpansions = 0
    public var isrShrinks = 0
    public var writeConflicts = 0
    /// State writes for a changed replica set (reassignment started, leader moved, cancelled).
    public var reassignmentSteps = 0
    /// Partitions whose reassignment this controller completed (RS = TRS written).
    public var reassignmentsCompleted = 0
    /// Partitions without a leader, as of the last confirmed batch.
    public var offlinePartitions = 0
}

import Logging
import LogStorage

/// Runs the controller for one broker: takes part in the election, and while elected drives a
/// `ControllerState` with the follower's metadata changes, broker requests and a timer,
/// applying its writes to the store. Loses office when the session ends, when its `/controller`
/// registration goes, or when a write is fenced; then it takes part in the next election.
///
/// An actor: events reach the state machine one at a time. Store calls run in child tasks and
/// come back as events, so requests are never blocked behind a write.
public actor ControllerRunner {
    public let config: ControllerConfig
    let store: any MetadataStore
    let follower: MetadataFollower
    let logger: Logger
    let metrics: ClusterMetrics
    var machine: ControllerState
    var reported = ControllerCounters()
    var image = MetadataImage()
    var tasks: [Task<Void, Never>] = []
    var stopped = false
    var nextRequestID: UInt64 = 0
    var isrWaiters: [UInt64: CheckedContinuation<IsrChangeResult, Never>] = [:]
    var shutdownWaiters: [UInt64: CheckedContinuation<Result<[TopicPartition], ClusterError>, Never>] = [:]
    var electionWaiters: [UInt64: CheckedContinuation<LeaderElectionResult, Never>] = [:]
    /// When the current term began, for the failover time of its first batch.
    var electedAt: ContinuousClock.Instant?
    let notificationStream: AsyncStream<BrokerNotification>.Continuation
    /// What the controller tells each broker after every confirmed batch (Kafka's LeaderAndIsr),
    /// for logs, tests, and a push channel to brokers; brokers also learn the same from their
    /// own follower, which stays the source of truth. One consumer; when nobody reads, only the
    /// newest 1024 are kept.
    public nonisolated let notifications: AsyncStream<BrokerNotification>

    public init(
        config: ControllerConfig, store: any MetadataStore, follower: MetadataFollower,
        logger: Logger = Logger(label: "petrel.cluster.controller"), metrics: ClusterMetrics = .shared
    ) {
        self.config = config
        self.store = store
        self.follower = follower
        var logger = logger
        logger[metadataKey: "broker"] = "\(config.brokerID)"
        self.logger = logger
        self.metrics = metrics
        self.machine = ControllerState(config: config)
        (notifications, notificationStream) = AsyncStream<BrokerNotification>.makeStream(bufferingPolicy: .bufferingNewest(1024))
    }

    /// The fence while this broker is the controller.
    public var fence: ControllerFence? { machine.fence }
    public var isActive: Bool { machine.isActive }

    /// Starts following metadata, the election loop and the preferred-leader timer. The
    /// follower must have started.
    public func start() async {
        guard tasks.isEmpty, !stopped else { return }
        let (image, updates) = await follower.subscribe()
        self.image = image
        tasks.append(Task { [weak self] in
            for await update in updates { await self?.apply(update) }
        })
        tasks.append(Task { [weak self] in await self?.electionLoop() })
        let interval = config.leaderImbalanceCheckInterval
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self?.handle(.preferredLeaderCheck)
            }
        })
    }

    /// Leaves office (deleting `/controller` if this broker holds it) and stops.
    public func stop() async {
        stopped = true
        for task in tasks { task.cancel() }
        tasks = []
        if let fence = machine.fence {
            try? await store.resign(fence)
            handle(.resigned)
            logger.info("controller stopped", metadata: ["controller_epoch": "\(fence.epoch)"])
        }
        notificationStream.finish()
    }

    // MARK: Requests from brokers

    /// A leader's ISR change (AlterPartition), answered once written (or refused).
    public func changeIsr(_ request: IsrChangeRequest) async -> IsrChangeResult {
        nextRequestID += 1
        let id = nextRequestID
        return await withCheckedContinuation { continuation in
            isrWaiters[id] = continuation
            handle(.isrChangeRequested(request, requestID: id))
        }
    }

    /// A broker's controlled shutdown: moves leadership off it in one batch; answers with the
    /// partitions it still leads (those with no other replica in sync).
    public func controlledShutdown(brokerID: Int32, brokerEpoch: Int64) async -> Result<[TopicPartition], ClusterError> {
        nextRequestID += 1
        let id = nextRequestID
        return await withCheckedContinuation { continuation in
            shutdownWaiters[id] = continuation
            handle(.controlledShutdownRequested(brokerID: brokerID, brokerEpoch: brokerEpoch, requestID: id))
        }
    }

    /// An admin's leader election (ElectLeaders), answered once the new leaders are written.
    public func electLeaders(_ request: LeaderElectionRequest) async -> LeaderElectionResult {
        nextRequestID += 1
        let id = nextRequestID
        return await withCheckedContinuation { continuation in
            electionWaiters[id] = continuation
            handle(.electLeadersRequested(request, requestID: id))
        }
    }

    // MARK: Metadata from the follower

    private func apply(_ update: MetadataUpdate) {
        image = update.image
        guard machine.isActive else { return }
        for delta in update.deltas {
            switch delta {
            case .brokers(let brokers): handle(.brokersChanged(brokers))
            case .topicChanged(let topic, let configs): handle(.topicChanged(topic, configs: configs))
            case .topicDeleted(let name): handle(.topicDeleted(name))
            case .topicConfigChanged(let name, let configs): handle(.topicConfigChanged(name, configs))
            case .partitionStates(let states): handle(.partitionStatesRead(states))
            case .controller: break  // the election loop watches the controller itself
            }
        }
    }
}

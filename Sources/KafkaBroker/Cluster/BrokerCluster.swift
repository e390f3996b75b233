import Cluster
import KafkaProtocol
import LogStorage
import Logging
import Synchronization

/// This broker's membership in the cluster (Kafka's KafkaController client side plus the
/// metadata cache's updater): it joins through a `ClusterNode` (ZooKeeper or the embedded
/// store), keeps the `MetadataCache` current, gives the replicas here the roles each change
/// assigns, and tells the coordinators and the replica fetchers what changed.
///
/// Lifecycle: `start` joins and returns once the first image is applied; a task then applies
/// every later change in order (one at a time, so roles never race). `stop` hands leadership
/// away first (controlled shutdown), then leaves.
public final class BrokerCluster: Sendable {
    public struct Settings: Sendable {
        public var registration: BrokerRegistration
        public var controller: ControllerConfig
        public var connect: ClusterNode.Connect
        /// The other nodes of this process (`petrel dev`), to reach a controller among them.
        public var directory: LocalControllerDirectory?
        public var controlledShutdown: Bool
        public var controlledShutdownRetries: Int
        public var controlledShutdownBackoffMs: Int64
        /// How long a starting broker waits for a previous session's registration of its id to
        /// expire (a restart right after kill -9).
        public var registrationWaitMs: Int64 = 30_000

        public init(
            registration: BrokerRegistration, controller: ControllerConfig, connect: @escaping ClusterNode.Connect,
            directory: LocalControllerDirectory? = nil, controlledShutdown: Bool = true, controlledShutdownRetries: Int = 3,
            controlledShutdownBackoffMs: Int64 = 500
        ) {
            self.registration = registration
            self.controller = controller
            self.connect = connect
            self.directory = directory
            self.controlledShutdown = controlledShutdown
            self.controlledShutdownRetries = controlledShutdownRetries
            self.controlledShutdownBackoffMs = controlledShutdownBackoffMs
        }
    }

    public let settings: Settings
    public let node: ClusterNode
    public let cache: MetadataCache
    public let replicas: ReplicaManager
    /// Connections to the other brokers (the controller, transaction partition leaders).
    public let connections: InterBrokerConnections
    let admin: AdminExecutor
    let clock: @Sendable () -> Int64
    let logger: Logger
    private let listeners = Mutex<[@Sendable (ReplicaManager.Applied) -> Void]>([])
    private let follower = Mutex<Task<Void, Never>?>(nil)
    private let isrMaintenance = Mutex<Task<Void, Never>?>(nil)

    public init(
        settings: Settings, cache: MetadataCache, replicas: ReplicaManager, admin: AdminExecutor,
        clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.settings = settings
        self.cache = cache
        self.replicas = replicas
        self.admin = admin
        self.clock = clock
        self.logger = logger
        let connections = InterBrokerConnections(localBrokerId: settings.registration.id, cache: cache, logger: logger)
        self.connections = connections
        // Brokers of one process reach their controller directly; others over the network.
        self.node = ClusterNode(
            registration: settings.registration, controller: settings.controller, connect: settings.connect,
            channel: settings.directory == nil ? RemoteControllerChannel(connections: connections) : nil,
            directory: settings.directory, logger: logger)
    }

    public var brokerId: Int32 { settings.registration.id }

    /// Called with every applied change, in order (the coordinators and replica fetchers).
    public func onChange(_ listener: @escaping @Sendable (ReplicaManager.Applied) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    /// Joins the cluster and applies the first metadata image before returning.
    public func start() async throws(BrokerError) {
        let events = node.events
        try await join()
        let (ready, readyContinuation) = AsyncStream<Void>.makeStream()
        let task = Task { [weak self] in
            var first = true
            for await event in events {
                guard let self else { return }
                guard case .joined(_, let metadataFollower) = event else { continue }
                await self.follow(metadataFollower) {
                    if first {
                        first = false
                        readyContinuation.yield()
                        readyContinuation.finish()
                    }
                }
            }
        }
        follower.withLock { $0 = task }
        for await _ in ready { break }
    }

    /// Registers this broker. A broker killed moments ago still holds its registration until
    /// its metadata session expires: a restart waits for that (up to registrationWaitMs)
    /// instead of failing, as Kafka's would.
    private func join() async throws(BrokerError) {
        let deadline = ContinuousClock.now + .milliseconds(settings.registrationWaitMs)
        var waiting = false
        while true {
            do {
                try await node.start()
                return
            } catch where error.reason == .brokerIDInUse && ContinuousClock.now < deadline {
                if !waiting {
                    waiting = true
                    logger.warning("broker id still registered by a previous session; waiting for it to expire", metadata: [
                        "broker": "\(brokerId)", "wait_ms": "\(settings.registrationWaitMs)",
                    ])
                }
                try? await Task.sleep(for: .milliseconds(250))
            } catch {
                throw BrokerError(error.code, "cannot join the cluster: \(error)")
            }
        }
    }

    /// Applies the follower's image, then every update to it, until the session ends.
    private func follow(_ metadataFollower: MetadataFollower, applied: () -> Void) async {
        let clusterId = (try? await node.store?.clusterID()) ?? cache.clusterId
        let (image, updates) = await metadataFollower.subscribe()
        var current = cache.image
        await apply(from: current, to: image, clusterId: clusterId, initial: true)
        current = image
        applied()
        for await update in updates {
            await apply(from: current, to: update.image, clusterId: clusterId, initial: false)
            current = update.image
        }
    }

    private func apply(from old: MetadataImage, to new: MetadataImage, clusterId: String, initial: Bool) async {
        cache.update(new, clusterId: clusterId)
        let changes = BrokerRole.changes(from: old, to: new, broker: brokerId)
        let changedConfigs = Set(new.configs.keys.filter { old.configs[$0] != new.configs[$0] })
        let replicas = self.replicas
        let now = clock()
        let result = try? await admin.run {
            let applied = replicas.apply(changes, image: new, nowMs: now)
            if !changedConfigs.isEmpty { replicas.applyConfigs(new.configs, changedTopics: changedConfigs) }
            if initial { replicas.removeStrayLogs(image: new) }
            return applied
        }
        guard let result else { return }
        if !changes.isEmpty {
            logger.debug("applied metadata", metadata: [
                "led": "\(result.led.count)", "followed": "\(result.followed.count)", "stopped": "\(result.stopped.count)",
            ])
        }
        for listener in listeners.withLock({ $0 }) { listener(result) }
    }

    /// Sends a leader's ISR change to the controller and reports the answer to the partition.
    public func submitIsrChange(_ partition: Partition, _ change: LeaderReplicaState.PendingIsr) {
        guard case .leader(let leader) = partition.role else { return }
        let item = IsrChangeRequest.Item(
            partition: partition.topicPartition, leaderEpoch: leader.leaderEpoch, newIsr: change.isr.sorted(),
            partitionEpoch: leader.partitionEpoch)
        Task { [node, clock, logger] in
            let epoch = await node.registration.epoch
            let result = await node.changeIsr(IsrChangeRequest(brokerID: partition.localBrokerId, brokerEpoch: epoch, items: [item]))
            switch result[partition.topicPartition] {
            case .success(let state)?:
                partition.isrChangeFinished(committed: (state.isr, state.partitionEpoch), nowMs: clock())
                logger.info("ISR changed", metadata: [
                    "topic": "\(partition.topic)", "partition": "\(partition.index)", "isr": "\(state.isr)",
                ])
            case .failure(let error)?:
                partition.isrChangeFinished(committed: nil, nowMs: clock())
                logger.warning("ISR change refused", metadata: [
                    "topic": "\(partition.topic)", "partition": "\(partition.index)", "error": "\(error)",
                ])
            case nil:
                partition.isrChangeFinished(committed: nil, nowMs: clock())
            }
        }
    }

    /// Every half of replica.lag.time.max.ms, leaders drop followers that stopped keeping up from
    /// their ISR (Kafka's isr-expiration task).
    public func startIsrMaintenance(maxLagMs: Int64) {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(max(maxLagMs / 2, 10)))
                guard let self else { return }
                let now = self.clock()
                for partition in self.replicas.all where partition.isLeader {
                    guard let shrink = partition.shrinkIsrIfLagging(nowMs: now, maxLagMs: maxLagMs) else { continue }
                    self.logger.info("shrinking ISR", metadata: [
                        "topic": "\(partition.topic)", "partition": "\(partition.index)", "lagging": "\(shrink.lagging)",
                    ])
                    self.submitIsrChange(partition, shrink.change)
                }
            }
        }
        isrMaintenance.withLock { $0 = task }
    }

    public func stopIsrMaintenance() {
        isrMaintenance.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// Moves leadership away (when enabled), then leaves the cluster.
    public func stop() async {
        if settings.controlledShutdown { await controlledShutdown() }
        follower.withLock { task in
            task?.cancel()
            task = nil
        }
        await node.stop()
        await connections.closeAll()
    }

    /// Asks the controller to move every leadership off this broker, a few times while some
    /// remain (Kafka's controlled.shutdown.max.retries).
    private func controlledShutdown() async {
        for attempt in 0...settings.controlledShutdownRetries {
            switch await node.controlledShutdown() {
            case .success(let remaining) where remaining.isEmpty:
                logger.info("controlled shutdown: no partition led here any more")
                return
            case .success(let remaining):
                logger.info("controlled shutdown: partitions still led here", metadata: ["count": "\(remaining.count)", "attempt": "\(attempt)"])
            case .failure(let error):
                logger.warning("controlled shutdown failed", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
            }
            try? await Task.sleep(for: .milliseconds(settings.controlledShutdownBackoffMs))
        }
    }
}

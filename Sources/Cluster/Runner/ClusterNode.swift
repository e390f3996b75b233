import Logging
import LogStorage

/// One broker's membership in the cluster: a metadata session, the broker's registration, a
/// follower of the metadata and a controller runner, started together and renewed together when
/// the session expires (new session, register again, follow again, stand for election again).
/// This is what the broker holds; see README for the seams.
public actor ClusterNode {
    public enum Event: Sendable {
        /// A session began (at start, and after each expiry): follow this follower from now on.
        case joined(BrokerRegistration, MetadataFollower)
        /// The session ended; a new one is being opened unless the node was stopped.
        case sessionEnded(SessionEnd)
    }

    public typealias Connect = @Sendable () async throws(ClusterError) -> any MetadataStore

    public nonisolated let brokerID: Int32
    private let wanted: BrokerRegistration
    private let controllerConfig: ControllerConfig
    private let connect: Connect
    private let channel: (any ControllerChannel)?
    private let directory: LocalControllerDirectory?
    private let logger: Logger
    private let metrics: ClusterMetrics
    public private(set) var store: (any MetadataStore)?
    public private(set) var follower: MetadataFollower?
    public private(set) var controller: ControllerRunner?
    /// The registration with its current broker epoch.
    public private(set) var registration: BrokerRegistration
    private var supervisor: Task<Void, Never>?
    private var stopped = false
    private let eventStream: AsyncStream<Event>.Continuation
    /// Session beginnings and ends, in order (one consumer).
    public nonisolated let events: AsyncStream<Event>

    /// `channel` reaches controllers in other processes; `directory` (if given) lists this
    /// node's runner for the other nodes of this process and is tried first.
    public init(
        registration: BrokerRegistration, controller: ControllerConfig, connect: @escaping Connect,
        channel: (any ControllerChannel)? = nil, directory: LocalControllerDirectory? = nil,
        logger: Logger = Logger(label: "petrel.cluster"), metrics: ClusterMetrics = .shared
    ) {
        self.brokerID = registration.id
        self.wanted = registration
        self.registration = registration
        self.controllerConfig = controller
        self.connect = connect
        self.channel = channel
        self.directory = directory
        var logger = logger
        logger[metadataKey: "broker"] = "\(registration.id)"
        self.logger = logger
        self.metrics = metrics
        (events, eventStream) = AsyncStream<Event>.makeStream()
    }

    /// Joins the cluster (throws when the first session cannot be opened or the id is taken),
    /// then keeps the membership alive across session expiries until `stop()`.
    public func start() async throws(ClusterError) {
        guard supervisor == nil else { return }
        let session = try await join()
        supervisor = Task { [weak self] in await self?.supervise(session) }
    }

    /// Leaves: the controller resigns, the registration is removed, the session closed.
    public func stop() async {
        stopped = true
        supervisor?.cancel()
        await leave(unregister: true)
        eventStream.finish()
    }

    // MARK: Requests to the controller

    /// Sends a leader's ISR change to the controller, wherever it is.
    public func changeIsr(_ request: IsrChangeRequest) async -> IsrChangeResult {
        guard let controllerID = await follower?.image.controller?.brokerID else {
            return Dictionary(
                request.items.map { ($0.partition, .failure(.notController("no controller is elected"))) },
                uniquingKeysWith: { _, last in last })
        }
        if controllerID == brokerID, let controller { return await controller.changeIsr(request) }
        if let channel { return await channel.changeIsr(request, controller: controllerID) }
        if let directory { return await directory.changeIsr(request, controller: controllerID) }
        return Dictionary(
            request.items.map { ($0.partition, .failure(.notController("no channel to controller \(controllerID)"))) },
            uniquingKeysWith: { _, last in last })
    }

    /// Asks the controller to move leadership off this broker; the partitions it still leads.
    public func controlledShutdown() async -> Result<[TopicPartition], ClusterError> {
        guard let controllerID = await follower?.image.controller?.brokerID else {
            return .failure(.notController("no controller is elected"))
        }
        let epoch = registration.epoch
        if controllerID == brokerID, let controller {
            return await controller.controlledShutdown(brokerID: brokerID, brokerEpoch: epoch)
        }
        if let channel { return await channel.controlledShutdown(brokerID: brokerID, brokerEpoch: epoch, controller: controllerID) }
        if let directory {
            return await directory.controlledShutdown(brokerID: brokerID, brokerEpoch: epoch, controller: controllerID)
        }
        return .failure(.notController("no channel to controller \(controllerID)"))
    }

    /// Sends an admin's leader election to the controller, wherever it is.
    public func electLeaders(_ request: LeaderElectionRequest) async -> LeaderElectionResult {
        guard let controllerID = await follower?.image.controller?.brokerID else {
            return .failure(.notController("no controller is elected"))
        }
        if controllerID == brokerID, let controller { return await controller.electLeaders(request) }
        if let channel { return await channel.electLeaders(request, controller: controllerID) }
        if let directory { return await directory.electLeaders(request, controller: controllerID) }
        return .failure(.notController("no channel to controller \(controllerID)"))
    }

    // MARK: Sessions

    private func join() async throws(ClusterError) -> any MetadataStore {
        let store = try await connect()
        do throws(ClusterError) {
            registration = try await store.registerBroker(wanted)
            let follower = MetadataFollower(store: store, logger: logger)
            try await follower.start()
            let controller = ControllerRunner(
                config: controllerConfig, store: store, follower: follower, logger: logger, metrics: metrics)
            await directory?.register(controller)
            await controller.start()
            self.store = store
            self.follower = follower
            self.controller = controller
            eventStream.yield(.joined(registration, follower))
            return store
        } catch {
            await store.close()
            throw error
        }
    }

    private func supervise(_ first: any MetadataStore) async {
        var session = first
        while !stopped {
            let end = await session.sessionEnded()
            guard !stopped else { return }
            logger.error("metadata session ended; joining again", metadata: ["end": "\(end)"])
            eventStream.yield(.sessionEnded(end))
            await leave(unregister: false)
            var attempt = 0
            while !stopped {
                do throws(ClusterError) {
                    session = try await join()
                    break
                } catch {
                    // brokerIDInUse: the old session's registration has not expired yet.
                    attempt += 1
                    logger.warning("cannot join the cluster yet", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                    try? await Task.sleep(for: .milliseconds(min(200 * attempt, 3000)))
                }
            }
        }
    }

    private func leave(unregister: Bool) async {
        if let controller {
            await controller.stop()
            await directory?.remove(controller)
        }
        await follower?.stop()
        if let store {
            if unregister, store.isSessionAlive { try? await store.unregisterBroker(brokerID) }
            await store.close()
        }
        controller = nil
        follower = nil
        store = nil
    }
}

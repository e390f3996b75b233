import Logging
import LogStorage

/// Keeps a `MetadataImage` of the whole cluster up to date by following the store's change feed
/// (watch, read again, watch again), and hands every change to its subscribers in order. A
/// broker runs one per metadata session: it learns from it which partitions it leads or
/// follows (see `BrokerRole`), and its controller runner starts from its image.
///
/// When the session ends, the follower stops and its subscribers' streams finish; the owner
/// starts a new follower on the new session.
public actor MetadataFollower {
    public let store: any MetadataStore
    private let logger: Logger
    public private(set) var image = MetadataImage()
    private let watch: MetadataWatch
    private var subscribers: [UInt64: AsyncStream<MetadataUpdate>.Continuation] = [:]
    private var nextSubscriber: UInt64 = 0
    private var loop: Task<Void, Never>?
    private var finished = false
    /// Changes not read yet, in arrival order, each once.
    private var pending: [MetadataChange] = []
    private var pendingSet: Set<MetadataChange> = []
    private var draining = false

    public init(store: any MetadataStore, logger: Logger = Logger(label: "petrel.cluster.follower")) {
        self.store = store
        self.logger = logger
        self.watch = store.makeWatch()
    }

    /// Reads everything (watching it), then follows changes until the session ends or `stop()`.
    public func start() async throws(ClusterError) {
        guard loop == nil else { return }
        let brokers = try await store.liveBrokers(watch: watch)
        let controller = try await store.controller(watch: watch)
        let names = try await store.topicNames(watch: watch)
        var image = MetadataImage(controller: controller)
        image.apply(.brokers(brokers))
        let loaded = await names.concurrentMap { name in await self.loadTopic(name) }
        for (name, result) in zip(names, loaded) {
            switch result {
            case .success(let deltas):
                for delta in deltas { image.apply(delta) }
            case .failure(let error):
                guard error.reason == .corrupt else { throw error }
                logger.error("skipping unreadable topic", metadata: ["topic": "\(name)", "error": "\(error)"])
            }
        }
        self.image = image
        let changes = watch.changes
        loop = Task { [weak self] in
            for await change in changes {
                guard let self else { return }
                await self.enqueue(change)
            }
            await self?.finish()
        }
        logger.info(
            "following cluster metadata",
            metadata: ["brokers": "\(image.brokers.count)", "topics": "\(image.topics.count)", "partitions": "\(image.partitions.count)"])
    }

    /// Stops following and finishes every subscriber's stream.
    public func stop() {
        loop?.cancel()
        watch.cancel()
        finish()
    }

    /// The current image and every update after it, in order, until the follower stops.
    public func subscribe() -> (image: MetadataImage, updates: AsyncStream<MetadataUpdate>) {
        let (stream, continuation) = AsyncStream<MetadataUpdate>.makeStream()
        if finished {
            continuation.finish()
            return (image, stream)
        }
        nextSubscriber += 1
        let id = nextSubscriber
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        return (image, stream)
    }

    private func unsubscribe(_ id: UInt64) { subscribers[id] = nil }

    private func finish() {
        guard !finished else { return }
        finished = true
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }

    // MARK: Following

    private func enqueue(_ change: MetadataChange) {
        if pendingSet.insert(change).inserted { pending.append(change) }
        guard !draining else { return }
        draining = true
        Task { await self.drain() }
    }

    /// Reads everything pending, one round at a time: changes that arrive while a round reads
    /// wait for the next round, so a burst (a controller moving a hundred leaders) costs a few
    /// pipelined rounds instead of one round trip per change.
    private func drain() async {
        var attempt = 0
        while !pending.isEmpty, !finished {
            let round = pending
            pending = []
            pendingSet = []
            let before = image
            do throws(ClusterError) {
                let deltas = try await read(round)
                attempt = 0
                guard !deltas.isEmpty else { continue }
                // (Applying again what the round's reads applied already changes nothing.)
                for delta in deltas { image.apply(delta) }
                let update = MetadataUpdate(deltas: deltas, image: image)
                for continuation in subscribers.values { continuation.yield(update) }
            } catch {
                // The round's reads applied part of it: forget that, the round is read again.
                image = before
                if error.reason == .sessionEnded { break }
                attempt += 1
                logger.warning(
                    "cannot read metadata changes; retrying",
                    metadata: ["changes": "\(round.count)", "attempt": "\(attempt)", "error": "\(error)"])
                for change in round.reversed() where pendingSet.insert(change).inserted { pending.insert(change, at: 0) }
                try? await Task.sleep(for: .milliseconds(min(100 * attempt, 2000)))
            }
        }
        draining = false
    }

    /// One round: every change but partition states in order, then the states together.
    private func read(_ round: [MetadataChange]) async throws(ClusterError) -> [MetadataDelta] {
        var deltas: [MetadataDelta] = []
        var states: [TopicPartition] = []
        for change in round {
            if case .partitionState(let partition) = change {
                states.append(partition)
                continue
            }
            let read: [MetadataDelta]
            do throws(ClusterError) {
                read = try await self.read(change)
            } catch {
                // Unreadable data (written by something else) must not stop the rest: skip it.
                guard error.reason == .corrupt else { throw error }
                logger.error("skipping unreadable metadata", metadata: ["change": "\(change)", "error": "\(error)"])
                continue
            }
            // Later reads in the round see the image as it will be (a topic created first).
            for delta in read { image.apply(delta) }
            deltas += read
        }
        // States of deleted topics are not watched again.
        let watched = states.filter { image.replicas(of: $0) != nil }
        if !watched.isEmpty {
            let found = try await store.partitionStates(watched, watch: watch)
            deltas.append(.partitionStates(Dictionary(uniqueKeysWithValues: watched.map { ($0, found[$0]) })))
        }
        return deltas
    }

    /// Reads (and watches again) what `change` says changed; the deltas against the image.
    private func read(_ change: MetadataChange) async throws(ClusterError) -> [MetadataDelta] {
        switch change {
        case .brokers:
            return [.brokers(try await store.liveBrokers(watch: watch))]
        case .controller:
            return [.controller(try await store.controller(watch: watch))]
        case .topics:
            let names = Set(try await store.topicNames(watch: watch))
            var deltas: [MetadataDelta] = []
            for name in Set(image.topics.keys).subtracting(names).sorted() { deltas.append(.topicDeleted(name)) }
            for name in names.subtracting(image.topics.keys).sorted() { deltas += try await loadTopic(name).get() }
            return deltas
        case .topic(let name):
            guard let topic = try await store.topic(name, watch: watch) else {
                return image.topics[name] == nil ? [] : [.topicDeleted(name)]
            }
            guard let known = image.topics[name], known.topicID == topic.topicID else {
                return try await loadTopic(name).get()
            }
            guard known != topic else { return [] }
            // New partitions: read (and watch) their states too.
            let added = topic.topicPartitions.filter { known.replicas(of: $0.partition) == nil }
            let states = try await store.partitionStates(added, watch: watch)
            return [
                .topicChanged(topic, configs: image.configs[name] ?? [:]),
                .partitionStates(Dictionary(uniqueKeysWithValues: added.map { ($0, states[$0]) })),
            ]
        case .topicConfig(let name):
            guard image.topics[name] != nil else { return [] }
            return [.topicConfigChanged(name, try await store.topicConfigs(name, watch: watch))]
        case .partitionState(let partition):
            guard image.replicas(of: partition) != nil else { return [] }
            return [.partitionStates([partition: try await store.partitionState(partition, watch: watch)])]
        }
    }

    /// A topic with its configs and partition states, all watched; nothing if it is gone.
    private func loadTopic(_ name: String) async -> Result<[MetadataDelta], ClusterError> {
        do throws(ClusterError) {
            guard let topic = try await store.topic(name, watch: watch) else { return .success([]) }
            let configs = try await store.topicConfigs(name, watch: watch)
            let states = try await store.partitionStates(topic.topicPartitions, watch: watch)
            let all = Dictionary(uniqueKeysWithValues: topic.topicPartitions.map { ($0, states[$0]) })
            return .success([.topicChanged(topic, configs: configs), .partitionStates(all)])
        } catch {
            return .failure(error)
        }
    }
}

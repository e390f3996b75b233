import KafkaProtocol
import LogStorage
import Logging
import Synchronization

/// The transaction coordinator: one shard per `__transaction_state` partition this broker
/// leads, and the transactions' lifecycle: InitProducerId with a transactional id,
/// AddPartitionsToTxn/AddOffsetsToTxn, EndTxn with its markers, timeouts and expiry.
///
/// Lifecycle: shards come and go with leadership (`leadershipChanged`); a shard that loads
/// first finishes every transaction a crash left between its Prepare record and its markers.
/// `startBackgroundWork` aborts timed-out transactions and expires idle transactional ids on a
/// timer; `stop` ends it.
public final class TransactionCoordinator: Sendable {
    public let config: TransactionCoordinatorConfig
    let shards = CoordinatorShards<TransactionShardRuntime>()
    private let topics: TopicRegistry
    private let producerIds: ProducerIdManager
    private let markers: any TransactionMarkerWriter
    let clock: @Sendable () -> Int64
    let logger: Logger
    private let background = Mutex<Task<Void, Never>?>(nil)

    init(
        config: TransactionCoordinatorConfig, topics: TopicRegistry, producerIds: ProducerIdManager,
        markers: any TransactionMarkerWriter, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.config = config
        self.topics = topics
        self.producerIds = producerIds
        self.markers = markers
        self.clock = clock
        self.logger = logger
    }

    /// The partition count of the topic as it exists, else the configured one.
    public var partitionCount: Int32 {
        topics.cache.topic(named: TransactionCoordinatorConfig.topicName).map { Int32($0.partitionCount) } ?? config.logPartitions
    }

    /// Loads the shards of `__transaction_state` partitions this broker now leads (finishing
    /// their prepared transactions) and drops those it no longer leads.
    public func leadershipChanged(_ applied: ReplicaManager.Applied) {
        let name = TransactionCoordinatorConfig.topicName
        for partition in applied.led where partition.topic == name {
            if let current = shards.shard(partition.index), current.partition === partition, current.status == .active { continue }
            let runtime = TransactionShardRuntime(partition: partition, config: config, logger: logger)
            let summary = runtime.load(bufferBytes: config.loadBufferBytes)
            shards.put(runtime, for: partition.index)
            logger.debug("transaction coordinator partition loaded", metadata: [
                "partition": "\(partition.index)", "records": "\(summary?.records ?? 0)", "failed": "\(summary == nil)",
            ])
            let preparing = (try? runtime.read { $0.preparing }) ?? []
            if !preparing.isEmpty {
                Task { for transactionalId in preparing { await complete(transactionalId) } }
            }
        }
        for (partition, _) in applied.followed where partition.topic == name { _ = shards.remove(partition.index) }
        for key in applied.stopped where key.topic == name { _ = shards.remove(key.partition) }
    }

    /// The `__transaction_state` partition that owns `transactionalId` (Kafka hashes like groups).
    public func partitionFor(transactionalId: String) -> Int32 {
        GroupPartitioner.partition(for: transactionalId, partitionCount: partitionCount)
    }

    public func isActive(transactionalId: String) -> Bool {
        shard(for: transactionalId)?.status == .active
    }

    /// The shard of the id's partition, if this broker leads it.
    func shard(for transactionalId: String) -> TransactionShardRuntime? {
        shards.shard(partitionFor(transactionalId: transactionalId))
    }

    func requireShard(for transactionalId: String) throws(BrokerError) -> TransactionShardRuntime {
        guard let shard = shard(for: transactionalId) else {
            throw BrokerError(.notCoordinator, "this broker is not the transaction coordinator of \(transactionalId)")
        }
        return shard
    }

    /// Runs one decision on the id's shard and waits until its record reached the in-sync
    /// replicas (acks=-1); when it prepared a commit or abort, writes the markers before
    /// returning, so a successful EndTxn is complete when it is answered.
    func run<Answer: Sendable>(
        _ transactionalId: String,
        _ operation: (TransactionCoordinatorShard, Int64) throws(BrokerError) -> TransactionDecision<Answer>
    ) async throws(BrokerError) -> TransactionDecision<Answer> {
        let now = clock()
        let shard = try requireShard(for: transactionalId)
        let (decision, end) = try shard.decide(now: now) { state throws(BrokerError) in
            try operation(state, now)
        }
        if let end { try await replicated(shard, through: end) }
        if decision.completeAfter { await complete(transactionalId) }
        return decision
    }

    /// Waits for the transaction log's replicas; a record that cannot reach enough of them
    /// is answered as Kafka's coordinator does (NOT_COORDINATOR once leadership moved,
    /// COORDINATOR_NOT_AVAILABLE otherwise: the client retries).
    func replicated(_ shard: TransactionShardRuntime, through end: Int64) async throws(BrokerError) {
        let outcome = await shard.partition.waitUntilReplicated(through: end, timeoutMs: config.replicationTimeoutMs)
        switch outcome {
        case .none: return
        case .notLeaderOrFollower:
            throw BrokerError(.notCoordinator, "this broker no longer leads \(shard.partition.topicPartition)")
        default:
            throw BrokerError(.coordinatorNotAvailable, "the transaction log record did not reach the in-sync replicas (\(outcome))")
        }
    }

    /// Writes the markers of a prepared transaction, then its Complete record. A failure
    /// leaves it prepared; the background work retries it.
    func complete(_ transactionalId: String) async {
        guard let shard = shard(for: transactionalId), let metadata = shard.beginCompletion(transactionalId) else { return }
        defer { shard.endCompletion(transactionalId) }
        let producer = ProducerIdAndEpoch(producerId: metadata.producerId, epoch: metadata.producerEpoch)
        let failed = await markers.writeMarkers(
            producer, coordinatorEpoch: shard.partition.leaderEpoch, commit: metadata.state == .prepareCommit,
            partitions: metadata.partitions)
        guard failed.isEmpty else {
            logger.warning("cannot write transaction markers; will retry", metadata: [
                "transactional_id": "\(transactionalId)",
                "partitions": "\(failed.map { "\($0.key): \($0.value.message)" }.sorted())",
            ])
            return
        }
        do {
            let (_, end) = try shard.decide(now: clock()) { state in
                TransactionDecision(
                    answer: (), record: state.completion(
                        transactionalId, producerId: producer.producerId, producerEpoch: producer.epoch, now: clock()))
            }
            if let end { try await replicated(shard, through: end) }
        } catch {
            logger.warning("cannot complete transaction; will retry", metadata: [
                "transactional_id": "\(transactionalId)", "error": "\(error)",
            ])
        }
    }

    func newProducerId() throws(BrokerError) -> Int64 {
        try producerIds.generate()
    }

    // MARK: background work

    /// Aborts timed-out transactions, retries unfinished completions, expires idle ids.
    func runBackgroundWork() async {
        let now = clock()
        for shard in shards.all where shard.status == .active {
            let (timedOut, preparing) = (try? shard.read { ($0.timedOut(now: now), $0.preparing) }) ?? ([], [])
            for transactionalId in timedOut {
                logger.info("aborting a timed-out transaction", metadata: ["transactional_id": "\(transactionalId)"])
                _ = try? await run(transactionalId) { state, now in
                    state.abortTimedOut(transactionalId, now: now) ?? TransactionDecision(answer: .none)
                }
            }
            for transactionalId in preparing { await complete(transactionalId) }
            do {
                try shard.write(now: now) { $0.expired(now: now) }
            } catch {
                logger.warning("cannot expire transactional ids", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Runs the background work every transaction.abort.timed.out.transaction.cleanup.interval.ms.
    public func startBackgroundWork() {
        let interval = max(config.abortTimedOutIntervalMs, 10)
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(interval))
                guard let self, !Task.isCancelled else { return }
                await self.runBackgroundWork()
            }
        }
        background.withLock { $0 = task }
    }

    public func stop() {
        background.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// A copy of one shard's state, for tests and tools.
    public func snapshot(partition: Int32) -> TransactionCoordinatorShard? {
        try? shards.shard(partition)?.read { $0 }
    }

    func read<Result: Sendable>(
        _ transactionalId: String, _ operation: (TransactionCoordinatorShard) throws(BrokerError) -> Result
    ) throws(BrokerError) -> Result {
        try requireShard(for: transactionalId).read(operation)
    }

    /// Every active shard's state, for ListTransactions.
    func allShards() -> [TransactionCoordinatorShard] {
        shards.all.compactMap { try? $0.read { $0 } }
    }
}

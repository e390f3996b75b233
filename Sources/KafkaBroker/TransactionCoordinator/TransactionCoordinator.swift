import KafkaProtocol
import LogStorage
import Logging
import Synchronization

/// The transaction coordinator: owns `__transaction_state` (creating it when missing), one
/// shard per partition, and the transactions' lifecycle: InitProducerId with a transactional
/// id, AddPartitionsToTxn/AddOffsetsToTxn, EndTxn with its markers, timeouts and expiry.
///
/// Lifecycle: `start` loads every shard before the broker listens, then finishes any
/// transaction a crash left between its Prepare record and its markers. `startBackgroundWork`
/// aborts timed-out transactions and expires idle transactional ids on a timer; `stop` ends it.
public final class TransactionCoordinator: Sendable {
    public let config: TransactionCoordinatorConfig
    public let partitionCount: Int32
    private let shards: [TransactionShardRuntime]
    private let producerIds: ProducerIdManager
    private let markers: any TransactionMarkerWriter
    let clock: @Sendable () -> Int64
    let logger: Logger
    private let background = Mutex<Task<Void, Never>?>(nil)

    private init(
        config: TransactionCoordinatorConfig, shards: [TransactionShardRuntime], producerIds: ProducerIdManager,
        markers: any TransactionMarkerWriter, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.config = config
        self.partitionCount = Int32(shards.count)
        self.shards = shards
        self.producerIds = producerIds
        self.markers = markers
        self.clock = clock
        self.logger = logger
    }

    /// Creates `__transaction_state` if missing, replays every partition, and completes the
    /// transactions whose markers were not all written before the last stop.
    static func start(
        config: TransactionCoordinatorConfig, topics: TopicRegistry, groups: GroupCoordinator,
        producerIds: ProducerIdManager, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) throws(BrokerError) -> TransactionCoordinator {
        let name = TransactionCoordinatorConfig.topicName
        let topic: TopicState
        if let existing = topics.topic(named: name) {
            topic = existing
        } else {
            topic = try topics.createTopic(
                name: name, partitions: config.logPartitions, replicationFactor: config.logReplicationFactor,
                configs: config.topicConfigs)
        }
        let shards = topic.partitions.map { TransactionShardRuntime(partition: $0, config: config, logger: logger) }
        var records = 0
        var failed = 0
        for shard in shards {
            if let summary = shard.load(bufferBytes: config.loadBufferBytes) { records += summary.records } else { failed += 1 }
        }
        let coordinator = TransactionCoordinator(
            config: config, shards: shards, producerIds: producerIds,
            markers: LocalMarkerWriter(topics: topics, groups: groups, clock: clock), clock: clock, logger: logger)
        coordinator.completePreparedTransactions()
        logger.info("transaction coordinator loaded", metadata: [
            "partitions": "\(shards.count)", "records": "\(records)", "failed_partitions": "\(failed)",
        ])
        return coordinator
    }

    /// The `__transaction_state` partition that owns `transactionalId` (Kafka hashes like groups).
    public func partitionFor(transactionalId: String) -> Int32 {
        GroupPartitioner.partition(for: transactionalId, partitionCount: partitionCount)
    }

    public func isActive(transactionalId: String) -> Bool {
        shard(for: transactionalId).status == .active
    }

    func shard(for transactionalId: String) -> TransactionShardRuntime {
        shards[Int(partitionFor(transactionalId: transactionalId))]
    }

    /// Runs one decision on the id's shard; when it prepared a commit or abort, writes the
    /// markers before returning, so a successful EndTxn is complete when it is answered.
    func run<Answer: Sendable>(
        _ transactionalId: String,
        _ operation: (TransactionCoordinatorShard, Int64) throws(BrokerError) -> TransactionDecision<Answer>
    ) throws(BrokerError) -> TransactionDecision<Answer> {
        let now = clock()
        let decision = try shard(for: transactionalId).decide(now: now) { shard throws(BrokerError) in
            try operation(shard, now)
        }
        if decision.completeAfter { complete(transactionalId) }
        return decision
    }

    /// Writes the markers of a prepared transaction, then its Complete record. A failure
    /// leaves it prepared; the background work retries it.
    func complete(_ transactionalId: String) {
        let shard = shard(for: transactionalId)
        guard let metadata = shard.beginCompletion(transactionalId) else { return }
        defer { shard.endCompletion(transactionalId) }
        let producer = ProducerIdAndEpoch(producerId: metadata.producerId, epoch: metadata.producerEpoch)
        let failed = markers.writeMarkers(
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
            _ = try shard.decide(now: clock()) { state in
                TransactionDecision(
                    answer: (), record: state.completion(
                        transactionalId, producerId: producer.producerId, producerEpoch: producer.epoch, now: clock()))
            }
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
    func runBackgroundWork() {
        let now = clock()
        for shard in shards where shard.status == .active {
            let (timedOut, preparing) = (try? shard.read { ($0.timedOut(now: now), $0.preparing) }) ?? ([], [])
            for transactionalId in timedOut {
                logger.info("aborting a timed-out transaction", metadata: ["transactional_id": "\(transactionalId)"])
                _ = try? run(transactionalId) { state, now in
                    state.abortTimedOut(transactionalId, now: now) ?? TransactionDecision(answer: .none)
                }
            }
            for transactionalId in preparing { complete(transactionalId) }
            do {
                try shard.write(now: now) { $0.expired(now: now) }
            } catch {
                logger.warning("cannot expire transactional ids", metadata: ["error": "\(error)"])
            }
        }
    }

    private func completePreparedTransactions() {
        for shard in shards where shard.status == .active {
            for transactionalId in (try? shard.read { $0.preparing }) ?? [] { complete(transactionalId) }
        }
    }

    /// Runs the background work every transaction.abort.timed.out.transaction.cleanup.interval.ms.
    public func startBackgroundWork() {
        let interval = max(config.abortTimedOutIntervalMs, 10)
        let task = Task.detached { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(interval))
                guard let self, !Task.isCancelled else { return }
                self.runBackgroundWork()
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
        guard partition >= 0, Int(partition) < shards.count else { return nil }
        return try? shards[Int(partition)].read { $0 }
    }

    func read<Result: Sendable>(
        _ transactionalId: String, _ operation: (TransactionCoordinatorShard) throws(BrokerError) -> Result
    ) throws(BrokerError) -> Result {
        try shard(for: transactionalId).read(operation)
    }

    /// Every active shard's state, for ListTransactions.
    func allShards() -> [TransactionCoordinatorShard] {
        shards.compactMap { try? $0.read { $0 } }
    }
}

import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Synchronization

/// Runs one shard against its `__consumer_offsets` partition: the lock, the log, the timers and
/// the parked requests. One lock per shard serializes that shard's operations; shards never share
/// a lock, and the produce path takes none of them.
///
/// A write holds the lock across compute → append → replay → effects, so records reach the log
/// in the order their state changes are applied. If the append fails, the shard is restored to
/// its value before the operation (the shard is a value: the copy costs nothing until written)
/// and the effects are dropped. The append is a page-cache write (LogStorage groups fsyncs),
/// so holding the lock across it is short and never waits for the disk.
final class CoordinatorShardRuntime: Sendable {
    typealias Status = CoordinatorStatus

    private struct TimerEntry: Sendable {
        var token: UInt64
        var task: Scheduled<Void>
    }

    private struct Slot: Sendable {
        var status: Status = .loading
        var shard: GroupCoordinatorShard
        var timers: [CoordinatorTimerKey: TimerEntry] = [:]
        var nextToken: UInt64 = 0
        var parked = ParkedRequests()
    }

    let partition: Partition
    private let slot: Mutex<Slot>
    private let logger: Logger
    private let timerLoop: any EventLoop
    private let topics: any TopicCatalog
    private let clock: @Sendable () -> Int64

    init(
        partition: Partition, config: GroupCoordinatorConfig, timerLoop: any EventLoop, topics: any TopicCatalog,
        clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.partition = partition
        self.slot = Mutex(Slot(shard: GroupCoordinatorShard(partitionIndex: partition.index, config: config)))
        self.timerLoop = timerLoop
        self.topics = topics
        self.clock = clock
        var logger = logger
        logger[metadataKey: "coordinator_partition"] = "\(partition.index)"
        self.logger = logger
    }

    var status: Status { slot.withLock { $0.status } }

    /// Replays the partition's log into a fresh shard, then starts the timers a loaded shard
    /// needs (sessions of the loaded members, offset expiration). Holding the lock keeps
    /// requests out until the state is complete.
    func load(bufferBytes: Int) -> CoordinatorLoader.Summary? {
        slot.withLock { slot in
            var shard = GroupCoordinatorShard(partitionIndex: slot.shard.partitionIndex, config: slot.shard.config)
            do throws(BrokerError) {
                let summary = try CoordinatorLoader.load(partition.log, into: &shard, bufferBytes: bufferBytes, logger: logger)
                slot.shard = shard
                slot.status = .active
                apply(shard.timersAfterLoad(), to: &slot)
                return summary
            } catch {
                logger.error("cannot load group coordinator state", metadata: ["error": "\(error)"])
                slot.status = .failed(error.message)
                return nil
            }
        }
    }

    /// A read-only operation on the loaded state.
    func read<Result: Sendable>(_ operation: (GroupCoordinatorShard) throws(BrokerError) -> Result) throws(BrokerError) -> Result {
        try slot.withLock { slot throws(BrokerError) -> Result in
            try slot.status.requireActive()
            return try operation(slot.shard)
        }
    }

    /// A write: computes the result, appends its records as one batch, replays them at their
    /// offsets, runs its effects, and returns the response. `park` runs under the same lock
    /// before the effects, so a request parked by this operation can be answered by it.
    /// With `transaction`, the records join that producer's transaction (TxnOffsetCommit).
    func write<Response: Sendable>(
        group groupId: String? = nil, transaction: ProducerIdAndEpoch? = nil,
        _ operation: (inout GroupCoordinatorShard, any TopicCatalog, Int64) throws(BrokerError) -> CoordinatorResult<Response>,
        park: (Response, inout ParkedRequests) -> Void = { _, _ in }
    ) throws(BrokerError) -> Response {
        let now = clock()
        let (response, completions) = try slot.withLock { slot throws(BrokerError) -> (Response, [ParkedRequests.Completion]) in
            try slot.status.requireActive()
            let before = groupId.flatMap { GroupSummary(slot.shard.groups[$0]) }
            let result = try run(operation, now: now, transaction: transaction, in: &slot)
            if let groupId { logChange(groupId, from: before, to: GroupSummary(slot.shard.groups[groupId])) }
            park(result.response, &slot.parked)
            apply(result.effects.timers, to: &slot)
            return (result.response, slot.parked.take(result.effects))
        }
        for completion in completions { completion.complete() }
        return response
    }

    /// A write computed from the shard as it is (the form offset commits use).
    func write<Response: Sendable>(
        now: Int64, transaction: ProducerIdAndEpoch? = nil,
        _ operation: (GroupCoordinatorShard) throws(BrokerError) -> CoordinatorResult<Response>
    ) throws(BrokerError) -> Response {
        try write(transaction: transaction) { (shard: inout GroupCoordinatorShard, _: any TopicCatalog, _: Int64) throws(BrokerError) in
            try operation(shard)
        }
    }

    /// Ends a transaction on this partition: its marker goes into the log, then its pending
    /// offsets are committed or dropped (Kafka's GroupCoordinator.onTransactionCompleted).
    /// Returns the log end after the marker, for the caller to wait for its replication.
    func writeTransactionMarker(_ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool) throws(BrokerError) -> Int64 {
        let now = clock()
        return try slot.withLock { slot throws(BrokerError) -> Int64 in
            try slot.status.requireActive()
            let marker: ByteBuffer
            do {
                marker = try RecordBatchBuilder.endTransactionMarker(
                    commit ? .commit : .abort, producerId: transaction.producerId, producerEpoch: transaction.epoch,
                    coordinatorEpoch: coordinatorEpoch, timestamp: now)
            } catch {
                throw BrokerError(.unknownServerError, "cannot build a transaction marker: \(error)")
            }
            let appended = try append(marker)
            slot.shard.replayEndTransactionMarker(producerId: transaction.producerId, committed: commit)
            return appended.lastOffset + 1
        }
    }

    /// Appends as the coordinator: only the producer epoch of transactional batches is checked.
    private func append(_ batch: ByteBuffer) throws(BrokerError) -> AppendResult {
        do throws(StorageError) {
            return try partition.appendAsLeader(batch, logAppendTime: nil, origin: .coordinator)
        } catch {
            throw BrokerError(CoordinatorStatus.coordinatorError(for: error.code), error.message)
        }
    }

    /// Runs an operation on the shard and commits its records; on any failure the shard is put
    /// back as it was.
    private func run<Response: Sendable>(
        _ operation: (inout GroupCoordinatorShard, any TopicCatalog, Int64) throws(BrokerError) -> CoordinatorResult<Response>,
        now: Int64, transaction: ProducerIdAndEpoch?, in slot: inout Slot
    ) throws(BrokerError) -> CoordinatorResult<Response> {
        var before: GroupCoordinatorShard? = slot.shard
        let result: CoordinatorResult<Response>
        do {
            result = try operation(&slot.shard, topics, now)
        } catch {
            if let before { slot.shard = before }
            throw error
        }
        guard !result.records.isEmpty else { return result }
        do throws(BrokerError) {
            let batch = try CoordinatorRecordBatch.build(
                result.records, timestamp: now, transaction: transaction, allocator: ByteBufferAllocator())
            let appended = try append(batch)
            // Dropped before replay, so that replay mutates the shard in place instead of copying it.
            before = nil
            for (index, record) in result.records.enumerated() {
                slot.shard.replay(record, offset: appended.firstOffset + Int64(index), producerId: transaction?.producerId ?? -1)
            }
            return result
        } catch {
            logger.warning("cannot append coordinator records", metadata: ["error": "\(error)"])
            if let before { slot.shard = before }
            throw error
        }
    }

    // MARK: timers

    private func apply(_ actions: [CoordinatorTimerAction], to slot: inout Slot) {
        for action in actions {
            switch action {
            case .cancel(let key):
                slot.timers.removeValue(forKey: key)?.task.cancel()
            case .schedule(let key, let afterMs, let tag):
                slot.timers.removeValue(forKey: key)?.task.cancel()
                slot.nextToken &+= 1
                let token = slot.nextToken
                let task = timerLoop.scheduleTask(in: .milliseconds(afterMs)) { [weak self] () -> Void in
                    self?.fire(key, token: token, tag: tag)
                }
                slot.timers[key] = TimerEntry(token: token, task: task)
            }
        }
    }

    /// A timer's expiry as an event: ignored if the timer was replaced or cancelled meanwhile.
    /// If its operation fails (the append), it is tried again a second later.
    private func fire(_ key: CoordinatorTimerKey, token: UInt64, tag: Int32) {
        let now = clock()
        let completions = slot.withLock { slot -> [ParkedRequests.Completion] in
            guard slot.status == .active, slot.timers[key]?.token == token else { return [] }
            slot.timers[key] = nil
            do throws(BrokerError) {
                let groupId = key.groupId
                let before = groupId.flatMap { GroupSummary(slot.shard.groups[$0]) }
                let result = try run({ shard, topics, now in shard.timerExpired(key, tag: tag, topics: topics, now: now) }, now: now, transaction: nil, in: &slot)
                if let groupId { logChange(groupId, from: before, to: GroupSummary(slot.shard.groups[groupId]), cause: "\(key)") }
                apply(result.effects.timers, to: &slot)
                return slot.parked.take(result.effects)
            } catch {
                logger.warning("coordinator timer failed; retrying", metadata: ["timer": "\(key)", "error": "\(error)"])
                apply([.schedule(key, afterMs: 1000, tag: tag)], to: &slot)
                return []
            }
        }
        for completion in completions { completion.complete() }
    }

    /// Stops the timers and answers every parked request NOT_COORDINATOR.
    func close() {
        let completions = slot.withLock { slot -> [ParkedRequests.Completion] in
            slot.status = .closed
            for entry in slot.timers.values { entry.task.cancel() }
            slot.timers = [:]
            return slot.parked.takeAll()
        }
        for completion in completions { completion.complete() }
    }

    /// Logs a group's state, generation or membership changing: the facts operators look for
    /// when a rebalance goes wrong.
    private func logChange(_ groupId: String, from before: GroupSummary?, to after: GroupSummary?, cause: String? = nil) {
        if let after, after.sameShape(as: before) { return }
        if after == nil && before == nil { return }
        var metadata: Logger.Metadata = [
            "group": "\(groupId)", "from": "\(before?.description ?? "none")", "to": "\(after?.description ?? "none")",
        ]
        if let cause { metadata["cause"] = "\(cause)" }
        let old = before?.memberIds ?? []
        let new = after?.memberIds ?? []
        // Member ids name who came and went; a few are enough to follow a rebalance.
        let joined = new.subtracting(old)
        let left = old.subtracting(new)
        if !joined.isEmpty { metadata["joined"] = "\(joined.sorted().prefix(10))" }
        if !left.isEmpty { metadata["left"] = "\(left.sorted().prefix(10))" }
        logger.info("group changed", metadata: metadata)
    }
}

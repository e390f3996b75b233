import KafkaProtocol
import LogStorage

// Building the next batch of writes: decisions for dirty partitions (reassignment steps among
// them), queued ISR changes, controlled shutdowns, admins' elections and the preferred-leader
// check, at most one write per partition; and the assignment writes that complete reassignments.
extension ControllerState {
    mutating func nextBatch() -> [ControllerAction] {
        guard let fence, inFlight == nil else { return [] }
        var batch = Batch(id: nextBatchID)
        var actions: [ControllerAction] = []
        var completed: [String: [Int32]] = [:]

        for partition in dirty.sorted(by: Self.order) where !awaitingReload.contains(partition) {
            dirty.remove(partition)
            if let decision = decide(partition, fence: fence) {
                batch.writes[partition] = (decision.write, decision.change)
                if decision.reshaped, let replicas = image.replicas(of: partition) { batch.reshaped[partition] = replicas }
            } else if let step = reassignmentStep(partition, fence: fence) {
                switch step {
                case .moveLeader(let write): batch.writes[partition] = (write, .reassignment)
                case .complete: completed[partition.topic, default: []].append(partition.partition)
                }
            }
        }
        actions += completeReassignments(completed, fence: fence)

        var stillQueued: [PendingIsrChange] = []
        for var change in queuedIsrChanges {
            var open: [IsrChangeRequest.Item] = []
            for item in change.open {
                // One write per partition per batch; a busy partition waits for the next one.
                if batch.writes[item.partition] != nil || awaitingReload.contains(item.partition) {
                    open.append(item)
                    continue
                }
                switch isrChangeDecision(item, broker: change.request.brokerID) {
                case .answer(let result):
                    change.results[item.partition] = result
                case .write(let state):
                    let grows = (image.partitions[item.partition]?.isr.count ?? 0) < state.isr.count
                    let change: LeaderElection.Change = grows ? .isrExpansion : .isrShrink
                    batch.writes[item.partition] = (
                        PartitionStateWrite(
                            partition: item.partition, state: state, expectedPartitionEpoch: state.partitionEpoch), change
                    )
                    open.append(item)
                }
            }
            change.open = open
            change.writing = Set(open.map(\.partition)).filter { batch.writes[$0] != nil }
            if change.open.isEmpty {
                actions.append(.answerIsrChange(requestID: change.requestID, change.results))
            } else if change.writing.isEmpty {
                stillQueued.append(change)
            } else {
                batch.isrChanges.append(change)
            }
        }
        queuedIsrChanges = stillQueued
        batch.elections = planElections(into: &batch.writes, actions: &actions)

        if preferredCheckRequested {
            preferredCheckRequested = false
            for (partition, state) in preferredElections() where batch.writes[partition] == nil {
                batch.writes[partition] = (
                    PartitionStateWrite(partition: partition, state: state, expectedPartitionEpoch: state.partitionEpoch),
                    .preferred
                )
            }
        }

        batch.shutdowns = queuedShutdowns
        queuedShutdowns = []
        if batch.writes.isEmpty {
            // Nothing to write: shutdowns are answered now with what the broker still leads.
            for shutdown in batch.shutdowns {
                actions.append(.answerControlledShutdown(requestID: shutdown.requestID, .success(stillLed(by: shutdown.broker))))
            }
            return actions
        }
        nextBatchID += 1
        inFlight = batch
        let writes = batch.writes.keys.sorted(by: Self.order).compactMap { batch.writes[$0]?.write }
        actions.append(.write(batchID: batch.id, writes: writes, fence: fence))
        return actions
    }

    /// The write a dirty partition needs now, if any: its first state, a new leader and ISR, or
    /// (`reshaped`) the state for a changed replica set: leader and ISR kept inside the set, one
    /// leader epoch later.
    private mutating func decide(_ partition: TopicPartition, fence: ControllerFence)
        -> (write: PartitionStateWrite, change: LeaderElection.Change, reshaped: Bool)?
    {
        guard let replicas = image.replicas(of: partition) else { return nil }
        guard let current = image.partitions[partition] else {
            guard let initial = LeaderElection.initialState(replicas: replicas, liveness: liveness, controllerEpoch: fence.epoch)
            else { return nil }
            return (PartitionStateWrite(partition: partition, state: initial, expectedPartitionEpoch: -1), .initial, false)
        }
        let reshaped = replicasChanged.contains(partition) || !LeaderElection.fits(current, replicas: replicas)
        let base = reshaped ? LeaderElection.restricted(current, to: replicas) : current
        var target: (state: PartitionState, change: LeaderElection.Change)?
        if let failed = bounced[partition], !failed.isEmpty {
            target = LeaderElection.afterBounce(
                base, replicas: replicas, failed: failed, liveness: liveness, uncleanAllowed: uncleanAllowed(partition))
        } else {
            target = LeaderElection.target(base, replicas: replicas, liveness: liveness, uncleanAllowed: uncleanAllowed(partition))
        }
        if reshaped {
            // A new leader keeps its reason; otherwise the write is the replica-set change.
            let change = target.map { $0.state.leader != current.leader ? $0.change : .reassignment } ?? .reassignment
            target = (target?.state ?? base, change)
        }
        guard let target else { return nil }
        let next = LeaderElection.nextState(from: current, to: target.state, controllerEpoch: fence.epoch)
        return (
            PartitionStateWrite(partition: partition, state: next, expectedPartitionEpoch: current.partitionEpoch), target.change,
            reshaped
        )
    }

    /// Partitions `broker` still leads that another replica could lead (what a controlled
    /// shutdown reports back; single-replica partitions cannot move and are left out).
    func stillLed(by broker: Int32) -> [TopicPartition] {
        image.partitions(onBroker: broker).compactMap { partition, replicas in
            replicas.count > 1 && image.partitions[partition]?.leader == broker ? partition : nil
        }
    }

    func refuseShutdown(broker: Int32, brokerEpoch: Int64) -> ClusterError? {
        guard isActive else { return .notController("broker \(config.brokerID) is not the controller") }
        guard let registration = image.brokers[broker] else {
            return .rejected(.brokerNotAvailable, "Broker id \(broker) does not exist.")
        }
        guard brokerEpoch >= registration.epoch else {
            return .rejected(
                .staleBrokerEpoch,
                "Controlled shutdown from broker \(broker) at old broker epoch \(brokerEpoch); the current one is \(registration.epoch).")
        }
        return nil
    }

    /// Answers the queued ISR changes' items about `topic` with `error`.
    mutating func answerQueuedIsrChanges(forTopic topic: String, with error: ClusterError) -> [ControllerAction] {
        var actions: [ControllerAction] = []
        var kept: [PendingIsrChange] = []
        for var change in queuedIsrChanges {
            for item in change.open where item.partition.topic == topic { change.results[item.partition] = .failure(error) }
            change.open.removeAll { $0.partition.topic == topic }
            if change.open.isEmpty {
                actions.append(.answerIsrChange(requestID: change.requestID, change.results))
            } else {
                kept.append(change)
            }
        }
        queuedIsrChanges = kept
        return actions
    }

    static func order(_ a: TopicPartition, _ b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }
}

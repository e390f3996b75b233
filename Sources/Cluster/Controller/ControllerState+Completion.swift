import LogStorage

// The store's answer to a batch: confirmed states become the controller's knowledge; lost races
// are read again; a fenced write ends the controllership.
extension ControllerState {
    mutating func writesCompleted(batchID: UInt64, results: [TopicPartition: Result<PartitionState, ClusterError>])
        -> [ControllerAction]
    {
        guard var batch = inFlight, batch.id == batchID else { return [] }
        inFlight = nil
        var actions: [ControllerAction] = []
        var confirmed: [TopicPartition: PartitionState] = [:]
        var reloads: [TopicPartition] = []
        var retry = false
        var fencedBy: ClusterError?

        for (partition, planned) in batch.writes {
            let result = results[partition] ?? .failure(.unavailable("the store did not answer for \(partition)"))
            switch result {
            case .success(let state):
                image.partitions[partition] = state
                bounced[partition] = nil
                confirmed[partition] = state
                count(planned.change)
                // The replica-set change is applied unless the set changed again meanwhile.
                if let replicas = batch.reshaped[partition], image.replicas(of: partition) == replicas {
                    replicasChanged.remove(partition)
                }
                // A partition being reassigned may be ready for its next step (TRS in the ISR).
                if image.topics[partition.topic]?.isBeingReassigned(partition.partition) == true { dirty.insert(partition) }
            case .failure(let error):
                switch error.reason {
                case .controllerMoved, .notController, .sessionEnded:
                    fencedBy = error
                case .staleVersion, .alreadyExists:
                    counters.writeConflicts += 1
                    awaitingReload.insert(partition)
                    reloads.append(partition)
                case .notFound:
                    // The topic went away under the write; its deletion event cleans up.
                    break
                default:
                    retryPending.insert(partition)
                    retry = true
                }
            }
            // An ISR change request's item is answered by its own write's outcome.
            for index in batch.isrChanges.indices where batch.isrChanges[index].writing.contains(partition) {
                batch.isrChanges[index].results[partition] = result
                batch.isrChanges[index].open.removeAll { $0.partition == partition }
                batch.isrChanges[index].writing.remove(partition)
            }
            for index in batch.elections.indices where batch.elections[index].writing.contains(partition) {
                batch.elections[index].written(partition, result)
            }
        }
        if let fencedBy {
            // Put the batch's requests back so resigning answers them, then stop.
            inFlight = batch
            return handle(.resigned) + [.fenced(fencedBy)]
        }

        counters.offlinePartitions = image.partitions.values.filter { !$0.hasLeader }.count
        if !confirmed.isEmpty { actions.append(.notify(notifications(for: confirmed))) }
        for change in batch.isrChanges {
            if change.open.isEmpty {
                actions.append(.answerIsrChange(requestID: change.requestID, change.results))
            } else {
                queuedIsrChanges.append(change)
            }
        }
        for shutdown in batch.shutdowns {
            actions.append(.answerControlledShutdown(requestID: shutdown.requestID, .success(stillLed(by: shutdown.broker))))
        }
        for election in batch.elections {
            if election.open.isEmpty {
                actions.append(.answerElectLeaders(requestID: election.requestID, .success(election.results)))
            } else {
                queuedElections.append(election)
            }
        }
        if !reloads.isEmpty { actions.append(.reload(reloads.sorted(by: Self.order))) }
        if retry { actions.append(.retryAfter(.milliseconds(200))) }
        return actions + nextBatch()
    }

    private mutating func count(_ change: LeaderElection.Change) {
        switch change {
        case .cleanElection: counters.cleanElections += 1
        case .uncleanElection: counters.uncleanElections += 1
        case .controlledShutdown: counters.controlledShutdownMoves += 1
        case .preferred: counters.preferredElections += 1
        case .isrShrink: counters.isrShrinks += 1
        case .isrExpansion: counters.isrExpansions += 1
        case .reassignment: counters.reassignmentSteps += 1
        case .offline, .initial: break
        }
    }

    /// Per replica, the confirmed partitions it holds, as LeaderAndIsr would tell it.
    private func notifications(for confirmed: [TopicPartition: PartitionState]) -> [BrokerNotification] {
        var byBroker: [Int32: [PartitionLeadership]] = [:]
        for partition in confirmed.keys.sorted(by: Self.order) {
            guard let state = confirmed[partition], let replicas = image.replicas(of: partition) else { continue }
            for replica in replicas {
                byBroker[replica, default: []].append(PartitionLeadership(partition: partition, state: state, replicas: replicas))
            }
        }
        return byBroker.keys.sorted().map { BrokerNotification(broker: $0, partitions: byBroker[$0] ?? []) }
    }
}

import KafkaProtocol
import LogStorage

// A leader's ISR change (AlterPartition), checked the way Kafka's controller does
// (KafkaController.tryProcessAlterPartition).
extension ControllerState {
    enum IsrChangeDecision {
        /// Answer now: refused, or already in the asked-for state.
        case answer(Result<PartitionState, ClusterError>)
        /// Write this state (its `partitionEpoch` is the expected one).
        case write(PartitionState)
    }

    /// A refusal of the whole request (not controller, unknown or stale broker), keyed by item.
    func refuseIsrChange(_ request: IsrChangeRequest) -> IsrChangeResult? {
        let error: ClusterError
        if !isActive {
            error = .notController("broker \(config.brokerID) is not the controller")
        } else if let registration = image.brokers[request.brokerID], registration.epoch == request.brokerEpoch {
            return nil
        } else {
            error = .rejected(
                .staleBrokerEpoch,
                "ISR change from broker \(request.brokerID) at broker epoch \(request.brokerEpoch), which is not the live one")
        }
        var results: IsrChangeResult = [:]
        for item in request.items { results[item.partition] = .failure(error) }
        return results
    }

    func isrChangeDecision(_ item: IsrChangeRequest.Item, broker: Int32) -> IsrChangeDecision {
        let partition = item.partition
        guard let replicas = image.replicas(of: partition), let current = image.partitions[partition] else {
            return .answer(.failure(.rejected(.unknownTopicOrPartition, "Unknown partition \(partition)")))
        }
        if item.partitionEpoch > current.partitionEpoch || item.leaderEpoch > current.leaderEpoch {
            // The leader has seen newer state than this controller: a newer controller exists.
            return .answer(.failure(.notController("\(partition): the leader knows a newer state than this controller")))
        }
        if item.leaderEpoch < current.leaderEpoch {
            return .answer(.failure(.rejected(
                .fencedLeaderEpoch, "\(partition): leader epoch \(item.leaderEpoch) is older than \(current.leaderEpoch)")))
        }
        if current.leader != broker {
            return .answer(.failure(.rejected(.notLeaderOrFollower, "\(partition): broker \(broker) is not the leader")))
        }
        var proposed = current
        proposed.isr = item.newIsr
        proposed.leaderRecoveryState = item.leaderRecoveryState
        // Already so (a retry): answer with the current state, before any version check.
        if proposed.sameLeadership(as: current) { return .answer(.success(current)) }
        if item.partitionEpoch < current.partitionEpoch {
            return .answer(.failure(.staleVersion(
                "\(partition): partition epoch \(item.partitionEpoch) is older than \(current.partitionEpoch)")))
        }
        if item.leaderRecoveryState == .recovering && item.newIsr.count > 1 {
            return .answer(.failure(.rejected(.invalidRequest, "\(partition): a recovering leader must be alone in the ISR")))
        }
        if current.leaderRecoveryState == .recovered && item.leaderRecoveryState == .recovering {
            return .answer(.failure(.rejected(.invalidRequest, "\(partition): a recovered leader cannot become recovering")))
        }
        if !item.newIsr.contains(broker) || Set(item.newIsr).count != item.newIsr.count
            || !item.newIsr.allSatisfy(replicas.contains)
        {
            return .answer(.failure(.rejected(
                .invalidRequest, "\(partition): ISR \(item.newIsr) must hold the leader and only replicas \(replicas), once each")))
        }
        let ineligible = item.newIsr.filter { !liveness.isEligible($0) }
        if !ineligible.isEmpty {
            return .answer(.failure(.rejected(
                .clusterIneligibleReplica, "\(partition): replicas \(ineligible) are not alive or are shutting down")))
        }
        return .write(proposed)
    }
}

import LogStorage

// auto.leader.rebalance.enable: Kafka's checkAndTriggerAutoLeaderRebalance.
extension ControllerState {
    /// For each broker whose preferred partitions are led elsewhere more than
    /// leader.imbalance.per.broker.percentage of the time, the states that hand leadership back
    /// (only where the preferred replica is eligible and in sync). Leader epochs rise by one.
    func preferredElections() -> [TopicPartition: PartitionState] {
        guard let fence else { return [:] }
        var byPreferred: [Int32: [(TopicPartition, [Int32])]] = [:]
        for partition in image.allPartitions {
            guard let replicas = image.replicas(of: partition), let preferred = replicas.first else { continue }
            byPreferred[preferred, default: []].append((partition, replicas))
        }
        var moves: [TopicPartition: PartitionState] = [:]
        for (broker, partitions) in byPreferred {
            let misplaced = partitions.filter { partition, _ in
                image.partitions[partition].map { $0.leader != broker } ?? false
            }
            let ratio = Double(misplaced.count) / Double(partitions.count)
            guard ratio > Double(config.leaderImbalancePerBrokerPercentage) / 100 else { continue }
            for (partition, replicas) in misplaced {
                guard inFlight?.writes[partition] == nil, !awaitingReload.contains(partition),
                    let current = image.partitions[partition], current.hasLeader,
                    let target = LeaderElection.preferred(current, replicas: replicas, liveness: liveness)
                else { continue }
                moves[partition] = LeaderElection.nextState(from: current, to: target, controllerEpoch: fence.epoch)
            }
        }
        return moves
    }
}

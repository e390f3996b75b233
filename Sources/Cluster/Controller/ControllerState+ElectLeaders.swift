import KafkaProtocol
import LogStorage

// ElectLeaders, as Kafka's controller answers it (KafkaController.processReplicaLeaderElection):
// a preferred election is not needed when the preferred replica leads, and fails when it is not
// alive and in sync; an unclean one is not needed while a live leader leads, and otherwise takes
// the first live in-sync replica, else any live replica (even with
// unclean.leader.election.enable off: the admin asked for it).
extension ControllerState {
    struct PendingElection {
        var requestID: UInt64
        var type: LeaderElectionRequest.ElectionType
        var results: [TopicPartition: Result<Int32, ClusterError>] = [:]
        /// Partitions not answered yet.
        var open: [TopicPartition]
        /// Partitions written for it in the batch in flight.
        var writing: Set<TopicPartition> = []

        /// A write for `partition` finished: the new leader, or the error. A lost race waits for
        /// the state to be read again and is decided again.
        mutating func written(_ partition: TopicPartition, _ result: Result<PartitionState, ClusterError>) {
            writing.remove(partition)
            switch result {
            case .success(let state):
                results[partition] = .success(state.leader)
            case .failure(let error) where error.reason == .staleVersion || error.reason == .alreadyExists:
                return
            case .failure(let error):
                results[partition] = .failure(error)
            }
            open.removeAll { $0 == partition }
        }
    }

    enum ElectionDecision {
        case answer(Result<Int32, ClusterError>)
        case write(PartitionState, LeaderElection.Change)
    }

    /// Queues an election request, or answers at once when this broker is not the controller.
    mutating func electLeadersRequested(_ request: LeaderElectionRequest, requestID: UInt64) -> ControllerAction? {
        guard isActive else {
            return .answerElectLeaders(requestID: requestID, .failure(.notController("broker \(config.brokerID) is not the controller")))
        }
        var seen: Set<TopicPartition> = []
        let partitions = (request.partitions ?? image.allPartitions).filter { seen.insert($0).inserted }
        queuedElections.append(PendingElection(requestID: requestID, type: request.type, open: partitions))
        return nil
    }

    /// Decides the queued elections' partitions that are not busy in this batch; answers the
    /// elections with nothing left to write and returns those that wait for the batch.
    mutating func planElections(
        into writes: inout [TopicPartition: (write: PartitionStateWrite, change: LeaderElection.Change)],
        actions: inout [ControllerAction]
    ) -> [PendingElection] {
        guard let fence else { return [] }
        var writing: [PendingElection] = []
        var stillQueued: [PendingElection] = []
        for var election in queuedElections {
            var open: [TopicPartition] = []
            for partition in election.open {
                if writes[partition] != nil || awaitingReload.contains(partition) {
                    open.append(partition)
                    continue
                }
                switch electionDecision(partition, type: election.type) {
                case .answer(let result):
                    election.results[partition] = result
                case .write(let target, let change):
                    guard let current = image.partitions[partition] else { continue }
                    let next = LeaderElection.nextState(from: current, to: target, controllerEpoch: fence.epoch)
                    writes[partition] = (
                        PartitionStateWrite(partition: partition, state: next, expectedPartitionEpoch: current.partitionEpoch), change
                    )
                    election.writing.insert(partition)
                    open.append(partition)
                }
            }
            election.open = open
            if open.isEmpty {
                actions.append(.answerElectLeaders(requestID: election.requestID, .success(election.results)))
            } else if election.writing.isEmpty {
                stillQueued.append(election)
            } else {
                writing.append(election)
            }
        }
        queuedElections = stillQueued
        return writing
    }

    func electionDecision(_ partition: TopicPartition, type: LeaderElectionRequest.ElectionType) -> ElectionDecision {
        guard let replicas = image.replicas(of: partition), let current = image.partitions[partition] else {
            return .answer(.failure(.rejected(.unknownTopicOrPartition, "The partition does not exist.")))
        }
        switch type {
        case .preferred:
            guard let preferred = replicas.first, current.leader != preferred else {
                return .answer(.failure(.rejected(.electionNotNeeded, "Leader election not needed for topic partition.")))
            }
            guard let target = LeaderElection.preferred(current, replicas: replicas, liveness: liveness) else {
                return .answer(.failure(.rejected(
                    .preferredLeaderNotAvailable,
                    "Failed to elect leader for partition \(partition) under strategy PreferredReplicaPartitionLeaderElectionStrategy: preferred replica \(preferred) is not alive and in sync")))
            }
            return .write(target, .preferred)
        case .unclean:
            if current.hasLeader, liveness.isLive(current.leader) {
                return .answer(.failure(.rejected(.electionNotNeeded, "Leader election not needed for topic partition.")))
            }
            guard let target = LeaderElection.target(current, replicas: replicas, liveness: liveness, uncleanAllowed: true),
                target.state.hasLeader
            else {
                return .answer(.failure(.rejected(
                    .eligibleLeadersNotAvailable,
                    "Failed to elect leader for partition \(partition) under strategy OfflinePartitionLeaderElectionStrategy: no replica of \(replicas) is alive")))
            }
            return .write(target.state, target.change)
        }
    }
}

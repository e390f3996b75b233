import LogStorage

// Partition reassignment, Kafka's ZooKeeper-mode steps (KafkaController.onPartitionReassignment)
// with the assignment written by whoever asked (AlterPartitionReassignments on any broker):
//
// - Start: the topic's assignment gets RS = TRS + ORS with adding and removing replicas. The
//   controller sees the replica set change and writes the partition state one leader epoch later
//   (A1), so the leader tracks the new replicas and they start fetching (A2).
// - Catch-up: the leader adds them to the ISR as they catch up (AlterPartition).
// - Completion, once TRS is in the ISR: leadership moves into TRS if the leader is leaving or
//   cannot stay (B3), then the controller writes RS = TRS without adding or removing (B6), fenced
//   and conditional on the topic's version. That replica-set change is again written as a state
//   one leader epoch later, with the removed replicas out of the ISR (B4); their brokers stop
//   and delete their replicas when their image no longer lists them (B5).
// - Cancel (or a new target replacing one in progress): the assignment goes back to ORS (or to
//   the new target + ORS); the same replica-set rule moves leader and ISR inside it.
extension ControllerState {
    enum ReassignmentStep {
        /// Leadership moves to a target replica first.
        case moveLeader(PartitionStateWrite)
        /// Every target replica is in sync under a leader in the target: RS = TRS can be written.
        case complete
    }

    /// Records partitions whose replica set differs between two assignments of the same topic.
    mutating func noteReplicaChanges(from old: TopicAssignment, to new: TopicAssignment) {
        for partition in new.topicPartitions {
            guard let before = old.replicas(of: partition.partition), let after = new.replicas(of: partition.partition),
                Set(before) != Set(after)
            else { continue }
            replicasChanged.insert(partition)
            dirty.insert(partition)
        }
    }

    /// What a partition being reassigned can do now, if anything.
    func reassignmentStep(_ partition: TopicPartition, fence: ControllerFence) -> ReassignmentStep? {
        guard let topic = image.topics[partition.topic], topic.isBeingReassigned(partition.partition),
            let target = topic.targetReplicas(of: partition.partition), let current = image.partitions[partition],
            current.hasLeader, target.allSatisfy(current.isr.contains), !assignmentWrites.contains(partition.topic)
        else { return nil }
        if target.contains(current.leader), liveness.isEligible(current.leader) { return .complete }
        guard let moved = LeaderElection.reassignmentLeader(current, target: target, liveness: liveness) else { return nil }
        let next = LeaderElection.nextState(from: current, to: moved, controllerEpoch: fence.epoch)
        return .moveLeader(PartitionStateWrite(partition: partition, state: next, expectedPartitionEpoch: current.partitionEpoch))
    }

    /// One fenced assignment write per topic with completed reassignments (RS = TRS).
    mutating func completeReassignments(_ completed: [String: [Int32]], fence: ControllerFence) -> [ControllerAction] {
        var actions: [ControllerAction] = []
        for topic in completed.keys.sorted() {
            guard var assignment = image.topics[topic], let partitions = completed[topic], !assignmentWrites.contains(topic)
            else { continue }
            for partition in partitions { assignment.completeReassignment(partition: partition) }
            assignmentWrites.insert(topic)
            actions.append(.writeAssignment(assignment, fence: fence))
        }
        return actions
    }

    /// The store's answer to a completing assignment write.
    mutating func assignmentWritten(topic: String, _ result: Result<TopicAssignment, ClusterError>) -> [ControllerAction] {
        guard assignmentWrites.remove(topic) != nil else { return [] }
        var actions: [ControllerAction] = []
        let moving = image.topics[topic].map { topic in topic.topicPartitions.filter { topic.isBeingReassigned($0.partition) } } ?? []
        switch result {
        case .success(let stored):
            counters.reassignmentsCompleted += moving.filter { !stored.isBeingReassigned($0.partition) }.count
            topicChanged(stored, configs: image.configs[topic] ?? [:])
        case .failure(let error):
            switch error.reason {
            case .controllerMoved, .notController, .sessionEnded:
                return handle(.resigned) + [.fenced(error)]
            case .staleVersion, .notFound:
                // Someone changed (or deleted) the topic meanwhile: decided again from what the
                // change feed brings (or already brought).
                counters.writeConflicts += 1
                dirty.formUnion(moving)
            default:
                retryPending.formUnion(moving)
                actions.append(.retryAfter(.milliseconds(200)))
            }
        }
        return actions + nextBatch()
    }
}

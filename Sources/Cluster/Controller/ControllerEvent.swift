import LogStorage

/// What happens to the controller: elections, metadata changes seen on the change feed,
/// requests from brokers, timers, and the outcome of its own writes.
public enum ControllerEvent: Sendable {
    /// This broker won the election; `image` is the metadata read afterwards.
    case elected(ControllerFence, MetadataImage)
    /// This broker stopped being the controller (session ended, fenced, shut down).
    case resigned
    /// The live brokers now (all of them).
    case brokersChanged([BrokerRegistration])
    /// A topic appeared or its assignment changed (new partitions).
    case topicChanged(TopicAssignment, configs: [String: String])
    case topicDeleted(String)
    case topicConfigChanged(String, [String: String])
    /// States read from the store (after a conflict, or seen on the change feed); nil: none.
    case partitionStatesRead([TopicPartition: PartitionState?])
    /// A leader asks to change ISRs (AlterPartition). Answered by `.answerIsrChange(requestID, ...)`.
    case isrChangeRequested(IsrChangeRequest, requestID: UInt64)
    /// A broker about to stop asks to lose its leaderships (ControlledShutdown). Answered by
    /// `.answerControlledShutdown(requestID, ...)` with the partitions it still leads.
    case controlledShutdownRequested(brokerID: Int32, brokerEpoch: Int64, requestID: UInt64)
    /// An admin asks for leader elections (ElectLeaders). Answered by
    /// `.answerElectLeaders(requestID, ...)` once the new leaders are written.
    case electLeadersRequested(LeaderElectionRequest, requestID: UInt64)
    /// leader.imbalance.check.interval.seconds passed.
    case preferredLeaderCheck
    /// The store's answer to `.write(batchID, ...)`.
    case writesCompleted(batchID: UInt64, results: [TopicPartition: Result<PartitionState, ClusterError>])
    /// The store's answer to `.writeAssignment` (completing reassignments of the topic).
    case assignmentWritten(topic: String, Result<TopicAssignment, ClusterError>)
    /// The retry delay asked for by `.retryAfter` passed.
    case retry
}

/// What the controller wants done. The runner performs them and reports back with events.
public enum ControllerAction: Sendable {
    /// Apply these conditional writes, fenced by `fence`, then report `.writesCompleted`.
    /// At most one batch is in flight at a time.
    case write(batchID: UInt64, writes: [PartitionStateWrite], fence: ControllerFence)
    /// Read these partitions' states and report `.partitionStatesRead` (a write lost a race).
    case reload([TopicPartition])
    case answerIsrChange(requestID: UInt64, IsrChangeResult)
    case answerControlledShutdown(requestID: UInt64, Result<[TopicPartition], ClusterError>)
    case answerElectLeaders(requestID: UInt64, LeaderElectionResult)
    /// Write the topic's assignment (reassignments completed: RS = TRS), conditional on its
    /// version and fenced, then report `.assignmentWritten`. One per topic at a time.
    case writeAssignment(TopicAssignment, fence: ControllerFence)
    /// Per broker, the partitions whose leadership it must act on (written and confirmed).
    case notify([BrokerNotification])
    /// The store fenced this controller: another was elected. Stop acting as controller.
    case fenced(ClusterError)
    /// Writes failed for a passing reason; send `.retry` after this long.
    case retryAfter(Duration)
}

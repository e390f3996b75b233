import KafkaProtocol

extension GroupCoordinator {
    /// Waits until everything the group's `__consumer_offsets` partition holds now has reached
    /// its in-sync replicas, so a commit answered NONE survives the coordinator's broker dying
    /// (Kafka's offsets.commit.required.acks=-1). Answered as Kafka's coordinator maps append
    /// errors: NOT_COORDINATOR once leadership moved, COORDINATOR_NOT_AVAILABLE when the
    /// replicas did not follow within offsets.commit.timeout.ms (the client retries).
    func awaitReplication(groupId: String) async -> ErrorCode {
        guard let shard = shard(for: groupId) else { return .notCoordinator }
        let partition = shard.partition
        switch await partition.waitUntilReplicated(through: partition.logEndOffset, timeoutMs: config.offsetCommitTimeoutMs) {
        case .none: return .none
        case .notLeaderOrFollower: return .notCoordinator
        default: return .coordinatorNotAvailable
        }
    }
}

// Keeping a partition's leader and ISR inside its replica set when the set changes (Kafka's
// controller does this in its reassignment steps B3/B4 and when it cancels one).
extension LeaderElection {
    /// Whether the leader (if any) and every ISR member are replicas.
    public static func fits(_ state: PartitionState, replicas: [Int32]) -> Bool {
        (!state.hasLeader || replicas.contains(state.leader)) && state.isr.allSatisfy(replicas.contains)
    }

    /// `state` with the ISR cut to `replicas` and no leader when the leader is not one of them
    /// (the usual election then picks one from what is left of the ISR). Epochs are not touched.
    public static func restricted(_ state: PartitionState, to replicas: [Int32]) -> PartitionState {
        var next = state
        next.isr = state.isr.filter(replicas.contains)
        if state.hasLeader, !replicas.contains(state.leader) { next.leader = PartitionState.noLeader }
        return next
    }

    /// Leadership handed to the first target replica that is eligible and in sync, when the
    /// leader is not in the target or cannot stay (Kafka's ReassignPartitionLeaderElection). nil
    /// when the leader may stay, or no target replica can take over yet.
    public static func reassignmentLeader(_ state: PartitionState, target: [Int32], liveness: Liveness) -> PartitionState? {
        guard !target.contains(state.leader) || !liveness.isEligible(state.leader) else { return nil }
        guard let leader = target.first(where: { liveness.isEligible($0) && state.isr.contains($0) }) else { return nil }
        var next = state
        next.leader = leader
        return next
    }
}

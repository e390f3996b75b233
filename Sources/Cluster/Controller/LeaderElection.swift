/// Who may lead and who stays in sync, per partition, as the controller decides it (Kafka's
/// PartitionLeaderElectionAlgorithms and the ZooKeeper controller's replica state machine).
/// Pure functions of a partition's state, its replicas and the brokers' liveness.
public enum LeaderElection {
    /// The brokers as the controller sees them.
    public struct Liveness: Sendable, Hashable {
        /// Registered brokers (including those shutting down).
        public var live: Set<Int32>
        /// Brokers in controlled shutdown: alive, but no longer eligible to lead or be in sync.
        public var shuttingDown: Set<Int32>

        public init(live: Set<Int32>, shuttingDown: Set<Int32> = []) {
            self.live = live
            self.shuttingDown = shuttingDown
        }

        public func isLive(_ broker: Int32) -> Bool { live.contains(broker) }
        public func isEligible(_ broker: Int32) -> Bool { live.contains(broker) && !shuttingDown.contains(broker) }

        func without(_ brokers: Set<Int32>) -> Liveness {
            Liveness(live: live.subtracting(brokers), shuttingDown: shuttingDown.subtracting(brokers))
        }
    }

    /// Why a partition's leadership changed.
    public enum Change: Sendable, Hashable {
        /// A new leader from the ISR (the old one died, or the partition had none).
        case cleanElection
        /// A live replica outside the ISR leads (unclean.leader.election.enable): data may be lost.
        case uncleanElection
        /// No live replica may lead: the partition is offline until one comes back.
        case offline
        /// Leadership moved off a broker in controlled shutdown.
        case controlledShutdown
        /// Same leader; replicas left the ISR (they died or shut down, or the leader asked).
        case isrShrink
        /// Same leader; the leader asked to add caught-up replicas to the ISR.
        case isrExpansion
        /// Leadership went back to the preferred (first) replica.
        case preferred
        /// The partition's first state.
        case initial
        /// The replica set changed (a reassignment started, completed or was cancelled): the
        /// leader epoch rises so every replica learns the new set; leadership moves into it.
        case reassignment
    }

    /// The first state of a new partition: the first eligible replica leads, every eligible
    /// replica is in sync (nothing was written yet). nil when no replica is eligible: the
    /// partition waits for one to register.
    public static func initialState(replicas: [Int32], liveness: Liveness, controllerEpoch: Int32) -> PartitionState? {
        let eligible = replicas.filter(liveness.isEligible)
        guard let leader = eligible.first else { return nil }
        return PartitionState(leader: leader, leaderEpoch: 0, isr: eligible, controllerEpoch: controllerEpoch)
    }

    /// The leader and ISR `state` must move to now, with what happened; nil when it can stay.
    /// Epochs are not touched here (see `nextState`).
    ///
    /// - A leader that is gone (or none): the first replica, in assignment order, that is
    ///   eligible and in the ISR leads; the ISR keeps its eligible members. Without one, and with
    ///   `uncleanAllowed`, the first eligible replica leads alone (recovering). Otherwise the
    ///   partition has no leader and the ISR keeps its live members, or the last leader when none
    ///   is live, so that replica can lead again when it returns (Kafka keeps the last ISR member).
    /// - A leader in controlled shutdown hands over to the first eligible ISR replica (if any;
    ///   otherwise it keeps leading until it goes).
    /// - Otherwise dead and departing followers leave the ISR.
    public static func target(_ state: PartitionState, replicas: [Int32], liveness: Liveness, uncleanAllowed: Bool)
        -> (state: PartitionState, change: Change)?
    {
        var next = state
        let change: Change
        let eligibleInSync = replicas.first { liveness.isEligible($0) && state.isr.contains($0) }
        if !state.hasLeader || !liveness.isLive(state.leader) {
            if let leader = eligibleInSync {
                next.leader = leader
                next.isr = state.isr.filter(liveness.isEligible)
                change = .cleanElection
            } else if uncleanAllowed, let leader = replicas.first(where: liveness.isEligible) {
                next.leader = leader
                next.isr = [leader]
                next.leaderRecoveryState = .recovering
                change = .uncleanElection
            } else {
                next.leader = PartitionState.noLeader
                var kept = state.isr.filter(liveness.isEligible)
                if kept.isEmpty {
                    let last = state.isr.contains(state.leader) ? state.leader : state.isr.first
                    kept = last.map { [$0] } ?? []
                }
                next.isr = kept
                change = .offline
            }
        } else if liveness.shuttingDown.contains(state.leader), replicas.count > 1, let leader = eligibleInSync {
            next.leader = leader
            next.isr = state.isr.filter(liveness.isEligible)
            change = .controlledShutdown
        } else {
            next.isr = state.isr.filter { $0 == state.leader || liveness.isEligible($0) }
            change = .isrShrink
        }
        guard next.leader != state.leader || next.isr != state.isr || next.leaderRecoveryState != state.leaderRecoveryState
        else { return nil }
        return (next, change)
    }

    /// The state after brokers in `failed` died and came back (a bounce the controller saw as a
    /// new broker epoch): first as if they were dead, then as they are. Always a change: even
    /// when leader and ISR end up the same, the leader epoch must rise so the returning broker
    /// starts over as leader or follower.
    public static func afterBounce(
        _ state: PartitionState, replicas: [Int32], failed: Set<Int32>, liveness: Liveness, uncleanAllowed: Bool
    ) -> (state: PartitionState, change: Change) {
        let dead = target(state, replicas: replicas, liveness: liveness.without(failed), uncleanAllowed: uncleanAllowed)
        let afterDeath = dead?.state ?? state
        let back = target(afterDeath, replicas: replicas, liveness: liveness, uncleanAllowed: uncleanAllowed)
        return (back?.state ?? afterDeath, dead?.change ?? back?.change ?? .cleanElection)
    }

    /// Leadership back to the preferred replica when it is eligible and in sync; nil otherwise.
    public static func preferred(_ state: PartitionState, replicas: [Int32], liveness: Liveness) -> PartitionState? {
        guard let preferred = replicas.first, state.leader != preferred, liveness.isEligible(preferred),
            state.isr.contains(preferred)
        else { return nil }
        var next = state
        next.leader = preferred
        return next
    }

    /// `target` written as a new state: one leader epoch later, by this controller.
    static func nextState(from current: PartitionState, to target: PartitionState, controllerEpoch: Int32) -> PartitionState {
        var next = target
        next.leaderEpoch = current.leaderEpoch + 1
        next.controllerEpoch = controllerEpoch
        next.partitionEpoch = current.partitionEpoch
        return next
    }
}

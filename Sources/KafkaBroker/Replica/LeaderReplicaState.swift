/// A partition leader's view of its replicas (Kafka's Partition on the leader): the committed
/// in-sync replica set, an ISR change waiting for the controller, each follower's progress,
/// and from those the high watermark and the ISR changes to ask for. No I/O: the partition
/// feeds it fetches and time, and sends the changes it proposes (AlterPartition).
public struct LeaderReplicaState: Sendable, Equatable {
    /// An ISR the leader asked the controller for and has no answer to yet.
    public struct PendingIsr: Sendable, Equatable {
        public var isr: Set<Int32>
        /// Expansions count the new member at once (so the high watermark waits for it);
        /// shrinks keep counting the leaving one until the controller agrees.
        public var isExpansion: Bool
    }

    public let localBrokerId: Int32
    public private(set) var leaderEpoch: Int32
    /// The version of the partition state the ISR was read from; an ISR change must name it.
    public private(set) var partitionEpoch: Int32
    public private(set) var replicas: [Int32]
    public private(set) var isr: Set<Int32>
    public private(set) var pending: PendingIsr?
    public private(set) var followers: [Int32: FollowerProgress]
    /// Where this leader epoch began in the log: a follower is in sync only past it.
    public let leaderEpochStartOffset: Int64

    /// Becoming leader: followers in the ISR count as caught up now, the others as never.
    public init(
        localBrokerId: Int32, leaderEpoch: Int32, partitionEpoch: Int32, replicas: [Int32], isr: [Int32],
        leaderEpochStartOffset: Int64, nowMs: Int64
    ) {
        self.localBrokerId = localBrokerId
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
        self.replicas = replicas
        self.isr = Set(isr)
        self.leaderEpochStartOffset = leaderEpochStartOffset
        var followers: [Int32: FollowerProgress] = [:]
        for replica in replicas where replica != localBrokerId {
            followers[replica] = FollowerProgress(lastCaughtUpTimeMs: isr.contains(replica) ? nowMs : 0)
        }
        self.followers = followers
    }

    /// The ISR the high watermark and acks=-1 wait for: the committed one, plus a member an
    /// expansion in flight adds (Kafka's maximalIsr).
    public var maximalIsr: Set<Int32> {
        guard let pending, pending.isExpansion else { return isr }
        return isr.union(pending.isr)
    }

    /// The highest offset every in-sync replica has, and every caught-up replica that is about
    /// to join (Kafka's maybeIncrementLeaderHW), given the leader's own log end offset.
    public func highWatermark(leaderLogEndOffset: Int64, nowMs: Int64, maxLagMs: Int64, isEligible: (Int32) -> Bool) -> Int64 {
        var watermark = leaderLogEndOffset
        let maximal = maximalIsr
        for (id, follower) in followers where follower.logEndOffset < watermark {
            let joining = follower.isCaughtUp(leaderLogEndOffset: leaderLogEndOffset, nowMs: nowMs, maxLagMs: maxLagMs) && isEligible(id)
            if maximal.contains(id) || joining {
                watermark = max(follower.logEndOffset, 0)
            }
        }
        return watermark
    }

    /// Records a follower's fetch. Returns an ISR expansion to ask for when the follower is now
    /// in sync (at or past the high watermark and the start of this leader epoch) and is not in
    /// the ISR yet; nil otherwise or while another change is pending.
    public mutating func followerFetched(
        _ id: Int32, fetchOffset: Int64, leaderLogEndOffset: Int64, highWatermark: Int64, nowMs: Int64,
        isEligible: (Int32) -> Bool
    ) -> PendingIsr? {
        guard followers[id] != nil else { return nil }
        followers[id]?.fetched(from: fetchOffset, leaderLogEndOffset: leaderLogEndOffset, nowMs: nowMs)
        guard pending == nil, !isr.contains(id), isEligible(id),
              fetchOffset >= highWatermark, fetchOffset >= leaderEpochStartOffset else { return nil }
        let change = PendingIsr(isr: isr.union([id]), isExpansion: true)
        pending = change
        return change
    }

    /// ISR members that have not caught up within `maxLagMs` (Kafka's getOutOfSyncReplicas);
    /// proposes their removal. Nil when all are in sync or a change is pending.
    public mutating func shrinkIfLagging(leaderLogEndOffset: Int64, nowMs: Int64, maxLagMs: Int64) -> (change: PendingIsr, lagging: [Int32])? {
        guard pending == nil else { return nil }
        let lagging = isr.filter { id in
            id != localBrokerId
                && !(followers[id]?.isCaughtUp(leaderLogEndOffset: leaderLogEndOffset, nowMs: nowMs, maxLagMs: maxLagMs) ?? false)
        }
        guard !lagging.isEmpty else { return nil }
        let change = PendingIsr(isr: isr.subtracting(lagging), isExpansion: false)
        pending = change
        return (change, lagging.sorted())
    }

    /// The controller took the change: the new ISR and the partition state's new version.
    public mutating func isrCommitted(_ newIsr: [Int32], partitionEpoch: Int32) {
        isr = Set(newIsr)
        self.partitionEpoch = partitionEpoch
        pending = nil
    }

    /// The controller refused or could not be reached: the change may be proposed again.
    public mutating func isrChangeFailed() {
        pending = nil
    }

    /// The acks=-1 rule: whether every replica in the ISR has `requiredOffset`, and whether the
    /// ISR still meets min.insync.replicas (Kafka's checkEnoughReplicasReachOffset).
    public func acknowledged(requiredOffset: Int64, highWatermark: Int64, minInSyncReplicas: Int) -> (done: Bool, enoughReplicas: Bool) {
        guard highWatermark >= requiredOffset else { return (false, true) }
        return (true, isr.count >= minInSyncReplicas)
    }
}

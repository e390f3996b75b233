/// What a partition leader knows of one follower, from its fetches (Kafka's ReplicaState).
public struct FollowerProgress: Sendable, Equatable {
    /// The follower's log end offset: the offset it fetched from last; -1 until it fetches.
    public var logEndOffset: Int64 = -1
    /// The leader's log end offset at the follower's previous fetch.
    public var lastFetchLeaderLogEndOffset: Int64 = -1
    public var lastFetchTimeMs: Int64 = 0
    /// The last time the follower had everything the leader had (or had, one fetch earlier,
    /// everything the leader had then): how ISR shrinking measures lag.
    public var lastCaughtUpTimeMs: Int64 = 0

    public init(logEndOffset: Int64 = -1, lastCaughtUpTimeMs: Int64 = 0) {
        self.logEndOffset = logEndOffset
        self.lastCaughtUpTimeMs = lastCaughtUpTimeMs
    }

    /// A fetch from `fetchOffset` while the leader's log ended at `leaderLogEndOffset`
    /// (Kafka's Replica.updateFetchStateOrThrow).
    mutating func fetched(from fetchOffset: Int64, leaderLogEndOffset: Int64, nowMs: Int64) {
        if fetchOffset >= leaderLogEndOffset {
            lastCaughtUpTimeMs = max(lastCaughtUpTimeMs, nowMs)
        } else if fetchOffset >= lastFetchLeaderLogEndOffset {
            lastCaughtUpTimeMs = max(lastCaughtUpTimeMs, lastFetchTimeMs)
        }
        logEndOffset = fetchOffset
        lastFetchLeaderLogEndOffset = max(leaderLogEndOffset, lastFetchLeaderLogEndOffset)
        lastFetchTimeMs = nowMs
    }

    /// Caught up: at the leader's end, or caught up within the last `maxLagMs`.
    func isCaughtUp(leaderLogEndOffset: Int64, nowMs: Int64, maxLagMs: Int64) -> Bool {
        logEndOffset == leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= maxLagMs
    }
}

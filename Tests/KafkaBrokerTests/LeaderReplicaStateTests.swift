import Testing

@testable import KafkaBroker

/// The leader's replica bookkeeping without I/O: high watermark, ISR expansion and shrinking.
@Suite struct LeaderReplicaStateTests {
    let all: (Int32) -> Bool = { _ in true }

    func leader(isr: [Int32] = [1, 2, 3], now: Int64 = 1_000) -> LeaderReplicaState {
        LeaderReplicaState(
            localBrokerId: 1, leaderEpoch: 5, partitionEpoch: 7, replicas: [1, 2, 3], isr: isr, leaderEpochStartOffset: 100,
            nowMs: now)
    }

    @Test func theHighWatermarkIsTheSlowestInSyncReplica() {
        var state = leader()
        #expect(state.highWatermark(leaderLogEndOffset: 150, nowMs: 1_000, maxLagMs: 30_000, isEligible: all) == 0)
        _ = state.followerFetched(2, fetchOffset: 140, leaderLogEndOffset: 150, highWatermark: 100, nowMs: 1_100, isEligible: all)
        _ = state.followerFetched(3, fetchOffset: 120, leaderLogEndOffset: 150, highWatermark: 100, nowMs: 1_100, isEligible: all)
        #expect(state.highWatermark(leaderLogEndOffset: 150, nowMs: 1_100, maxLagMs: 30_000, isEligible: all) == 120)
        _ = state.followerFetched(3, fetchOffset: 150, leaderLogEndOffset: 150, highWatermark: 120, nowMs: 1_200, isEligible: all)
        #expect(state.highWatermark(leaderLogEndOffset: 150, nowMs: 1_200, maxLagMs: 30_000, isEligible: all) == 140)
    }

    @Test func aFollowerOutsideTheIsrJoinsOnceInSync() {
        var state = leader(isr: [1, 2])
        // Behind the high watermark: no expansion yet, and it does not hold the watermark back
        // once it stopped being caught up.
        #expect(state.followerFetched(3, fetchOffset: 90, leaderLogEndOffset: 150, highWatermark: 150, nowMs: 1_000, isEligible: all) == nil)
        let change = state.followerFetched(3, fetchOffset: 150, leaderLogEndOffset: 150, highWatermark: 150, nowMs: 1_100, isEligible: all)
        #expect(change == .init(isr: [1, 2, 3], isExpansion: true))
        // While it is pending the new member already counts for the high watermark.
        #expect(state.maximalIsr == [1, 2, 3])
        #expect(state.followerFetched(3, fetchOffset: 150, leaderLogEndOffset: 160, highWatermark: 150, nowMs: 1_200, isEligible: all) == nil)
        state.isrCommitted([1, 2, 3], partitionEpoch: 8)
        #expect(state.isr == [1, 2, 3] && state.partitionEpoch == 8 && state.pending == nil)
        // An ineligible broker (not alive, shutting down) never joins.
        var other = leader(isr: [1, 2])
        #expect(other.followerFetched(3, fetchOffset: 150, leaderLogEndOffset: 150, highWatermark: 150, nowMs: 1_100, isEligible: { $0 != 3 }) == nil)
        // Nor one short of the start of this leader epoch.
        var early = leader(isr: [1, 2])
        #expect(early.followerFetched(3, fetchOffset: 99, leaderLogEndOffset: 99, highWatermark: 99, nowMs: 1_100, isEligible: all) == nil)
    }

    @Test func aStuckOrSlowFollowerIsShrunkOutAfterTheLagTime() {
        var state = leader(now: 1_000)
        _ = state.followerFetched(2, fetchOffset: 150, leaderLogEndOffset: 150, highWatermark: 100, nowMs: 1_000, isEligible: all)
        _ = state.followerFetched(3, fetchOffset: 150, leaderLogEndOffset: 150, highWatermark: 100, nowMs: 1_000, isEligible: all)
        // Follower 2 keeps up; follower 3 stops fetching.
        for t in stride(from: Int64(2_000), through: 31_000, by: 1_000) {
            _ = state.followerFetched(2, fetchOffset: 150 + t / 1_000, leaderLogEndOffset: 150 + t / 1_000, highWatermark: 150, nowMs: t, isEligible: all)
        }
        #expect(state.shrinkIfLagging(leaderLogEndOffset: 181, nowMs: 31_000, maxLagMs: 30_000) == nil)
        let shrink = state.shrinkIfLagging(leaderLogEndOffset: 182, nowMs: 31_001, maxLagMs: 30_000)
        #expect(shrink?.lagging == [3] && shrink?.change == .init(isr: [1, 2], isExpansion: false))
        // Until the controller agrees, the leaving replica still counts.
        #expect(state.maximalIsr == [1, 2, 3])
        state.isrChangeFailed()
        #expect(state.pending == nil && state.isr == [1, 2, 3])
    }

    @Test func acksAllNeedsTheWatermarkAndEnoughReplicas() {
        let state = leader(isr: [1, 2])
        #expect(state.acknowledged(requiredOffset: 10, highWatermark: 9, minInSyncReplicas: 2) == (false, true))
        #expect(state.acknowledged(requiredOffset: 10, highWatermark: 10, minInSyncReplicas: 2) == (true, true))
        #expect(state.acknowledged(requiredOffset: 10, highWatermark: 10, minInSyncReplicas: 3) == (true, false))
    }
}

import KafkaProtocol
import Testing

@testable import KafkaBroker

@Suite struct FetchSessionCacheTests {
    func target(_ topic: String, _ p: Int32, offset: Int64 = 0) -> FetchTarget {
        FetchTarget(topic: topic, topicId: .zero, partition: p, fetchOffset: offset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1)
    }

    func outcome(_ t: FetchTarget, hw: Int64, bytes: Int = 0) -> (FetchTarget, PartitionFetcher.Outcome) {
        (t, .init(data: .init(partitionIndex: t.partition, errorCode: 0, highWatermark: hw, lastStableOffset: hw, logStartOffset: 0), bytes: bytes, failed: false))
    }

    @Test func sessionlessFullFetchOpensNoSession() {
        let cache = FetchSessionCache()
        guard case .full(_, let id) = cache.context(sessionId: 0, epoch: -1, targets: [target("a", 0)], forgotten: []) else {
            Issue.record("expected a full fetch")
            return
        }
        #expect(id == 0)
    }

    @Test func incrementalFetchSendsOnlyChangedPartitions() {
        let cache = FetchSessionCache()
        let a0 = target("a", 0), a1 = target("a", 1)
        guard case .full(let targets, let id) = cache.context(sessionId: 0, epoch: 0, targets: [a0, a1], forgotten: []) else {
            Issue.record("expected a full fetch")
            return
        }
        #expect(id != 0 && targets.count == 2)
        // The full response reports both and fills the cache.
        #expect(cache.filter(sessionId: id, incremental: false, outcomes: [outcome(a0, hw: 5), outcome(a1, hw: 7)]).count == 2)
        // Epoch 1, nothing named: both partitions come from the session; only a changed one is sent.
        guard case .incremental(let all, _) = cache.context(sessionId: id, epoch: 1, targets: [], forgotten: []) else {
            Issue.record("expected incremental")
            return
        }
        #expect(all.count == 2)
        let kept = cache.filter(sessionId: id, incremental: true, outcomes: [outcome(a0, hw: 5), outcome(a1, hw: 8)])
        #expect(kept.map(\.0.partition) == [1])
        // A forgotten partition leaves the session.
        guard case .incremental(let left, _) = cache.context(sessionId: id, epoch: 2, targets: [], forgotten: [a0.key]) else {
            Issue.record("expected incremental")
            return
        }
        #expect(left.map(\.partition) == [1])
    }

    @Test func wrongEpochAndUnknownSessionAreErrors() {
        let cache = FetchSessionCache()
        guard case .full(_, let id) = cache.context(sessionId: 0, epoch: 0, targets: [target("a", 0)], forgotten: []) else {
            Issue.record("expected a full fetch")
            return
        }
        guard case .error(let code) = cache.context(sessionId: id, epoch: 5, targets: [], forgotten: []) else {
            Issue.record("expected an error")
            return
        }
        #expect(code == .invalidFetchSessionEpoch)
        guard case .error(let unknown) = cache.context(sessionId: id &+ 1, epoch: 1, targets: [], forgotten: []) else {
            Issue.record("expected an error")
            return
        }
        #expect(unknown == .fetchSessionIdNotFound)
    }

    @Test func cacheEvictsTheLeastRecentlyUsedSession() {
        let cache = FetchSessionCache(capacity: 2)
        var ids: [Int32] = []
        for _ in 0..<3 {
            if case .full(_, let id) = cache.context(sessionId: 0, epoch: 0, targets: [target("a", 0)], forgotten: []) { ids.append(id) }
        }
        guard case .error(let code) = cache.context(sessionId: ids[0], epoch: 1, targets: [], forgotten: []) else {
            Issue.record("first session should be evicted")
            return
        }
        #expect(code == .fetchSessionIdNotFound)
    }
}

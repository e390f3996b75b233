import KafkaProtocol
import Synchronization

extension Partition {
    /// Whether records up to `requiredOffset` are acknowledged for acks=-1: nil while the high
    /// watermark is below it; then NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when fewer than
    /// `minInSyncReplicas` replicas are in sync; NOT_LEADER_OR_FOLLOWER once leadership moved
    /// (the records may be truncated by the next leader).
    func replicationOutcome(requiredOffset: Int64, minInSyncReplicas: Int) -> ErrorCode? {
        guard case .leader(let leader) = role else { return .notLeaderOrFollower }
        let (reached, enough) = leader.acknowledged(
            requiredOffset: requiredOffset, highWatermark: highWatermark, minInSyncReplicas: minInSyncReplicas)
        guard reached else { return nil }
        return enough ? ErrorCode.none : .notEnoughReplicasAfterAppend
    }

    /// Waits until every in-sync replica holds the log up to `requiredOffset` (what an acks=-1
    /// append by a coordinator waits for), leadership moves, or `timeoutMs` passes
    /// (REQUEST_TIMED_OUT).
    func waitUntilReplicated(through requiredOffset: Int64, timeoutMs: Int64) async -> ErrorCode {
        let minInSync = minInSyncReplicas
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        while true {
            if let outcome = replicationOutcome(requiredOffset: requiredOffset, minInSyncReplicas: minInSync) {
                return outcome
            }
            guard ContinuousClock.now < deadline else { return .requestTimedOut }
            await nextChange(until: deadline) { [self] in
                replicationOutcome(requiredOffset: requiredOffset, minInSyncReplicas: minInSync) != nil
            }
        }
    }

    /// Returns after the next append, high watermark move or role change, or at `deadline`;
    /// at once if `settled` already holds once the watch is in place (a change between the
    /// caller's check and the watch must not be missed).
    private func nextChange(until deadline: ContinuousClock.Instant, settled: @Sendable () -> Bool) async {
        let waiter = Mutex<(continuation: CheckedContinuation<Void, Never>?, timer: Task<Void, Never>?)>((nil, nil))
        let resume: @Sendable () -> Void = {
            let (continuation, timer) = waiter.withLock { state in
                defer { state = (nil, nil) }
                return state
            }
            timer?.cancel()
            continuation?.resume()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let token = watchForData(resume)
            let timer = Task {
                try? await Task.sleep(until: deadline)
                self.cancelWatch(token)
                resume()
            }
            waiter.withLock { $0 = (continuation, timer) }
            if settled() {
                cancelWatch(token)
                resume()
            }
        }
    }
}

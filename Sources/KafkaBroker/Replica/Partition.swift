import Cluster
import KafkaProtocol
import LogStorage
import NIOCore
import Synchronization

/// One partition replica on this broker: its log, its role (leader, follower, or neither while
/// it has no leader), the leader epoch, and the parked requests to wake when data or the high
/// watermark moves.
///
/// As leader it accepts appends, tracks its followers (`LeaderReplicaState`) and moves the high
/// watermark to what every in-sync replica has. As follower it appends what the leader sent and
/// takes the leader's high watermark. The role changes only through the metadata the
/// controller writes (`becomeLeader`, `becomeFollower`, `becomeOffline`).
public final class Partition: Sendable {
    public enum Role: Sendable, Equatable {
        case leader(LeaderReplicaState)
        case follower(leaderId: Int32)
        /// No leader (offline), or no longer a replica here.
        case none
    }

    public let topic: String
    public let index: Int32
    public let topicId: KafkaUUID
    public let log: PartitionLog
    public let localBrokerId: Int32

    private struct State {
        var role: Role = .none
        var leaderEpoch: Int32
        var nextWatcherId: Int = 0
        var watchers: [Int: @Sendable () -> Void] = [:]
    }
    private let state: Mutex<State>

    public init(topic: String, index: Int32, topicId: KafkaUUID, log: PartitionLog, localBrokerId: Int32, leaderEpoch: Int32 = -1) {
        self.topic = topic
        self.index = index
        self.topicId = topicId
        self.log = log
        self.localBrokerId = localBrokerId
        self.state = Mutex(State(leaderEpoch: leaderEpoch))
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: index) }
    public var leaderEpoch: Int32 { state.withLock { $0.leaderEpoch } }
    public var role: Role { state.withLock { $0.role } }
    public var isLeader: Bool { state.withLock { if case .leader = $0.role { true } else { false } } }
    public var highWatermark: Int64 { log.highWatermark }
    public var logStartOffset: Int64 { log.logStartOffset }
    public var logEndOffset: Int64 { log.logEndOffset }
    public var lastStableOffset: Int64 { log.lastStableOffset }

    /// The committed ISR's size while leader (0 otherwise), and the min.insync.replicas an
    /// acks=-1 write needs, read together under one lock.
    public var inSyncReplicaCount: (inSync: Int, required: Int) {
        let configured = log.config.minInsyncReplicas
        return state.withLock { s in
            guard case .leader(let leader) = s.role else { return (0, configured) }
            return (leader.isr.count, Self.required(configured, replicas: leader.replicas.count))
        }
    }

    /// min.insync.replicas, capped at the replication factor (see `required`).
    public var minInSyncReplicas: Int { inSyncReplicaCount.required }

    /// A topic with fewer replicas than the cluster default (a one-replica dev topic) takes
    /// acks=-1 once all its replicas have the records, instead of refusing every acks=-1 produce
    /// as Kafka does.
    private static func required(_ configured: Int, replicas: Int) -> Int { max(1, min(configured, replicas)) }

    // MARK: role changes

    /// Leads at `epoch` with this ISR: the epoch starts at the log end, followers not in the ISR
    /// count as not caught up. At the same epoch (a committed ISR change) follower progress stays.
    public func becomeLeader(epoch: Int32, partitionEpoch: Int32, replicas: [Int32], isr: [Int32], nowMs: Int64) {
        let start = log.logEndOffset
        state.withLock { s in
            if case .leader(var current) = s.role, s.leaderEpoch == epoch {
                current.isrCommitted(isr, partitionEpoch: partitionEpoch)
                s.role = .leader(current)
                return
            }
            s.leaderEpoch = epoch
            s.role = .leader(LeaderReplicaState(
                localBrokerId: localBrokerId, leaderEpoch: epoch, partitionEpoch: partitionEpoch, replicas: replicas, isr: isr,
                leaderEpochStartOffset: start, nowMs: nowMs))
        }
        log.assignLeaderEpoch(epoch, startOffset: start)
        advanceHighWatermark(nowMs: nowMs)
    }

    /// Follows `leaderId` at `epoch` (the replica fetcher does the fetching).
    public func becomeFollower(leaderId: Int32, epoch: Int32) {
        state.withLock { s in
            s.leaderEpoch = epoch
            s.role = .follower(leaderId: leaderId)
        }
        wakeWatchers()
    }

    /// No leader, or not a replica here any more: parked requests are woken to answer an error.
    public func becomeOffline(epoch: Int32? = nil) {
        state.withLock { s in
            if let epoch { s.leaderEpoch = epoch }
            s.role = .none
        }
        wakeWatchers()
    }

    // MARK: leader

    /// Appends validated batches as the leader, then moves the high watermark as far as the ISR
    /// allows (at once when the leader is the only in-sync replica).
    public func appendAsLeader(
        _ records: ByteBuffer, logAppendTime: Int64?, origin: AppendOrigin = .client, nowMs: Int64 = WallClock.nowMs()
    ) throws(StorageError) -> AppendResult {
        let epoch = try state.withLock { s throws(StorageError) -> Int32 in
            guard case .leader = s.role else {
                throw StorageError(.notLeaderOrFollower, "this broker does not lead \(topic)-\(index)", topic: topic, partition: index)
            }
            return s.leaderEpoch
        }
        let result = try log.append(records, leaderEpoch: epoch, logAppendTime: logAppendTime, origin: origin)
        guard !result.isDuplicate else { return result }
        // Parked follower fetches wait for the append itself, not only for a high watermark move.
        if !advanceHighWatermark(nowMs: nowMs) { wakeWatchers() }
        return result
    }

    /// A follower fetched from `fetchOffset` (its log end): its progress counts towards the high
    /// watermark, and it may be ready to join the ISR (the returned change, for the controller).
    public func followerFetched(
        _ replicaId: Int32, fetchOffset: Int64, nowMs: Int64, isEligible: (Int32) -> Bool
    ) -> LeaderReplicaState.PendingIsr? {
        let leaderEnd = log.logEndOffset
        let watermark = log.highWatermark
        let change = state.withLock { s -> LeaderReplicaState.PendingIsr? in
            guard case .leader(var leader) = s.role else { return nil }
            let change = leader.followerFetched(
                replicaId, fetchOffset: fetchOffset, leaderLogEndOffset: leaderEnd, highWatermark: watermark, nowMs: nowMs,
                isEligible: isEligible)
            s.role = .leader(leader)
            return change
        }
        advanceHighWatermark(nowMs: nowMs, isEligible: isEligible)
        return change
    }

    /// Proposes removing ISR members that lag more than `maxLagMs`.
    public func shrinkIsrIfLagging(nowMs: Int64, maxLagMs: Int64) -> (change: LeaderReplicaState.PendingIsr, lagging: [Int32])? {
        let leaderEnd = log.logEndOffset
        return state.withLock { s in
            guard case .leader(var leader) = s.role else { return nil }
            let shrink = leader.shrinkIfLagging(leaderLogEndOffset: leaderEnd, nowMs: nowMs, maxLagMs: maxLagMs)
            s.role = .leader(leader)
            return shrink
        }
    }

    /// The controller's answer to a proposed ISR change (the committed state also arrives
    /// through the metadata; this only clears the pending change).
    public func isrChangeFinished(committed: (isr: [Int32], partitionEpoch: Int32)?, nowMs: Int64) {
        state.withLock { s in
            guard case .leader(var leader) = s.role else { return }
            if let committed { leader.isrCommitted(committed.isr, partitionEpoch: committed.partitionEpoch) } else { leader.isrChangeFailed() }
            s.role = .leader(leader)
        }
        advanceHighWatermark(nowMs: nowMs)
    }

    /// Moves the high watermark forward to what the maximal ISR has (never backwards); true
    /// when it moved (parked requests were woken).
    @discardableResult
    func advanceHighWatermark(nowMs: Int64, maxLagMs: Int64 = 30_000, isEligible: (Int32) -> Bool = { _ in true }) -> Bool {
        let leaderEnd = log.logEndOffset
        let candidate = state.withLock { s -> Int64? in
            guard case .leader(let leader) = s.role else { return nil }
            return leader.highWatermark(leaderLogEndOffset: leaderEnd, nowMs: nowMs, maxLagMs: maxLagMs, isEligible: isEligible)
        }
        guard let candidate, candidate > log.highWatermark else { return false }
        log.updateHighWatermark(candidate)
        wakeWatchers()
        return true
    }

    // MARK: follower

    /// Appends batches the leader numbered, then takes the leader's high watermark (capped at
    /// what this replica has).
    public func appendAsFollower(_ records: ByteBuffer, leaderHighWatermark: Int64) throws(StorageError) {
        if records.readableBytes > 0 { _ = try log.appendAsFollower(records) }
        updateFollowerHighWatermark(leaderHighWatermark)
    }

    public func updateFollowerHighWatermark(_ leaderHighWatermark: Int64) {
        let next = min(leaderHighWatermark, log.logEndOffset)
        guard next != log.highWatermark else { return }
        log.updateHighWatermark(next)
        wakeWatchers()
    }

    // MARK: watchers

    /// Registers a one-shot callback for the next append, high watermark move or role change;
    /// returns a token to cancel it.
    public func watchForData(_ callback: @escaping @Sendable () -> Void) -> Int {
        state.withLock { s in
            let id = s.nextWatcherId
            s.nextWatcherId += 1
            s.watchers[id] = callback
            return id
        }
    }

    public func cancelWatch(_ token: Int) {
        _ = state.withLock { $0.watchers.removeValue(forKey: token) }
    }

    func wakeWatchers() {
        let fired: [@Sendable () -> Void] = state.withLock { s in
            guard !s.watchers.isEmpty else { return [] }
            let all = Array(s.watchers.values)
            s.watchers.removeAll(keepingCapacity: true)
            return all
        }
        for callback in fired { callback() }
    }
}

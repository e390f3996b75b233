import KafkaProtocol
import Synchronization

/// Incremental fetch sessions (KIP-227), as the Java client uses them.
///
/// A session remembers the partitions a client fetches and what it last told the client about
/// each, so an incremental fetch names only changes and its response carries only partitions
/// with news. The cache is bounded; the least recently used session is evicted first.
final class FetchSessionCache: Sendable {
    struct CachedPartition: Sendable {
        var target: FetchTarget
        var highWatermark: Int64 = -1
        var lastStableOffset: Int64 = -1
        var logStartOffset: Int64 = -1
    }

    struct Session: Sendable {
        var id: Int32
        var epoch: Int32
        var order: [FetchPartitionKey]
        var partitions: [FetchPartitionKey: CachedPartition]
        var lastUsed: UInt64
    }

    /// What a request resolves to.
    enum Context {
        /// Fetch these targets, answer all of them; `sessionId` 0 means no session.
        case full(targets: [FetchTarget], sessionId: Int32)
        /// Fetch the session's targets, answer only changed partitions.
        case incremental(targets: [FetchTarget], sessionId: Int32)
        case error(ErrorCode)
    }

    private struct State {
        var sessions: [Int32: Session] = [:]
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 1000) {
        self.capacity = capacity
    }

    func context(sessionId: Int32, epoch: Int32, targets: [FetchTarget], forgotten: [FetchPartitionKey]) -> Context {
        state.withLock { s in
            s.tick += 1
            if epoch == 0 || epoch == -1 {
                // A full fetch; epoch -1 closes any session, epoch 0 opens a new one.
                if sessionId != 0 { s.sessions.removeValue(forKey: sessionId) }
                guard epoch == 0, capacity > 0 else { return .full(targets: targets, sessionId: 0) }
                if s.sessions.count >= capacity, let oldest = s.sessions.values.min(by: { $0.lastUsed < $1.lastUsed }) {
                    s.sessions.removeValue(forKey: oldest.id)
                }
                var id: Int32
                repeat { id = Int32.random(in: 1...Int32.max) } while s.sessions[id] != nil
                var session = Session(id: id, epoch: 1, order: [], partitions: [:], lastUsed: s.tick)
                for target in targets where session.partitions[target.key] == nil {
                    session.order.append(target.key)
                    session.partitions[target.key] = CachedPartition(target: target)
                }
                s.sessions[id] = session
                return .full(targets: targets, sessionId: id)
            }
            guard var session = s.sessions[sessionId] else { return .error(.fetchSessionIdNotFound) }
            guard session.epoch == epoch else { return .error(.invalidFetchSessionEpoch) }
            for key in forgotten where session.partitions.removeValue(forKey: key) != nil {
                session.order.removeAll { $0 == key }
            }
            for target in targets {
                if session.partitions[target.key] == nil {
                    session.order.append(target.key)
                    session.partitions[target.key] = CachedPartition(target: target)
                } else {
                    session.partitions[target.key]?.target = target
                }
            }
            session.epoch = epoch == Int32.max ? 1 : epoch + 1
            session.lastUsed = s.tick
            s.sessions[sessionId] = session
            let all = session.order.compactMap { session.partitions[$0]?.target }
            return .incremental(targets: all, sessionId: sessionId)
        }
    }

    /// Records what the response tells the client and says which partitions to include:
    /// in an incremental response only those with records, errors, or changed offsets.
    func filter(
        sessionId: Int32, incremental: Bool, outcomes: [(FetchTarget, PartitionFetcher.Outcome)]
    ) -> [(FetchTarget, PartitionFetcher.Outcome)] {
        guard sessionId != 0 else { return outcomes }
        return state.withLock { s in
            guard var session = s.sessions[sessionId] else { return outcomes }
            var kept: [(FetchTarget, PartitionFetcher.Outcome)] = []
            for (target, outcome) in outcomes {
                let data = outcome.data
                var cached = session.partitions[target.key] ?? CachedPartition(target: target)
                let changed = data.errorCode != 0 || outcome.bytes > 0
                    || cached.highWatermark != data.highWatermark || cached.lastStableOffset != data.lastStableOffset
                    || cached.logStartOffset != data.logStartOffset
                cached.highWatermark = data.highWatermark
                cached.lastStableOffset = data.lastStableOffset
                cached.logStartOffset = data.logStartOffset
                if session.partitions[target.key] != nil { session.partitions[target.key] = cached }
                if !incremental || changed { kept.append((target, outcome)) }
            }
            s.sessions[sessionId] = session
            return kept
        }
    }
}

import KafkaProtocol
import LogStorage
import NIOCore
import Synchronization

/// One partition as this broker serves it: the log plus what replication needs on top of it
/// (leader epoch, high watermark) and the parked fetches to wake when data arrives.
///
/// On a single broker the leader is the only ISR member, so the high watermark follows the log
/// end offset right after each append. Replication (issue 4) moves that rule into the ISR.
public final class Partition: Sendable {
    public let topic: String
    public let index: Int32
    public let topicId: KafkaUUID
    public let log: PartitionLog

    private struct State {
        var leaderEpoch: Int32
        var nextWatcherId: Int = 0
        var watchers: [Int: @Sendable () -> Void] = [:]
    }
    private let state: Mutex<State>

    public init(topic: String, index: Int32, topicId: KafkaUUID, log: PartitionLog, leaderEpoch: Int32 = 0) {
        self.topic = topic
        self.index = index
        self.topicId = topicId
        self.log = log
        self.state = Mutex(State(leaderEpoch: leaderEpoch))
        // Becoming leader with an ISR of one: everything in the log is committed, including
        // what was written after the last high-watermark checkpoint before a crash.
        log.updateHighWatermark(log.logEndOffset)
    }

    public var leaderEpoch: Int32 { state.withLock { $0.leaderEpoch } }
    public var highWatermark: Int64 { log.highWatermark }
    public var logStartOffset: Int64 { log.logStartOffset }
    public var logEndOffset: Int64 { log.logEndOffset }
    public var lastStableOffset: Int64 { log.lastStableOffset }

    /// Appends validated batches as the leader and advances the high watermark.
    public func appendAsLeader(
        _ records: inout ByteBuffer, logAppendTime: Int64?, origin: AppendOrigin = .client
    ) throws(StorageError) -> AppendResult {
        let result = try log.append(records, leaderEpoch: leaderEpoch, logAppendTime: logAppendTime, origin: origin)
        guard !result.isDuplicate else { return result }
        log.updateHighWatermark(log.logEndOffset)
        wakeWatchers()
        return result
    }

    /// Registers a one-shot callback for the next append; returns a token to cancel it.
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

    private func wakeWatchers() {
        let fired: [@Sendable () -> Void] = state.withLock { s in
            guard !s.watchers.isEmpty else { return [] }
            let all = Array(s.watchers.values)
            s.watchers.removeAll(keepingCapacity: true)
            return all
        }
        for callback in fired { callback() }
    }
}

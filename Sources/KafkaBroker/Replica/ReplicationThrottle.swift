import Cluster
import LogStorage
import Metrics
import Synchronization

/// leader/follower.replication.throttled.rate (bytes/s): Kafka's ReplicationQuotaManager for one
/// side. A replica's copying counts against the limit while it is out of sync and either is
/// being added by a reassignment, or its topic lists it for this broker in
/// leader/follower.replication.throttled.replicas ("partition:broker,..." or "*"). The leader
/// leaves throttled partitions out of a follower's fetch answer while the limit is used up; the
/// follower leaves them out of its fetch requests. Without a rate there is no throttle object,
/// so replication checks nothing.
public final class ReplicationThrottle: Sendable {
    public enum Side: Sendable {
        /// Bytes sent to followers (leader.replication.throttled.*).
        case leader
        /// Bytes fetched as follower (follower.replication.throttled.*).
        case follower

        var replicasKey: String {
            switch self {
            case .leader: "leader.replication.throttled.replicas"
            case .follower: "follower.replication.throttled.replicas"
            }
        }
    }

    public let side: Side
    private let cache: MetadataCache
    private let clock: @Sendable () -> Int64
    private let limit: Mutex<ByteRateLimit>
    private let totals = Mutex<(bytes: Int64, holds: Int64)>((0, 0))
    private let bytesCounter: Counter
    private let holdsCounter: Counter

    /// A throttle, or nil when `bytesPerSecond` is unset or unlimited (Kafka's default, Long.MAX_VALUE).
    public static func make(side: Side, bytesPerSecond: Int64?, cache: MetadataCache, clock: @escaping @Sendable () -> Int64)
        -> ReplicationThrottle?
    {
        guard let bytesPerSecond, bytesPerSecond > 0, bytesPerSecond < Int64.max else { return nil }
        return ReplicationThrottle(side: side, bytesPerSecond: bytesPerSecond, cache: cache, clock: clock)
    }

    init(side: Side, bytesPerSecond: Int64, cache: MetadataCache, clock: @escaping @Sendable () -> Int64) {
        self.side = side
        self.cache = cache
        self.clock = clock
        self.limit = Mutex(ByteRateLimit(bytesPerSecond: bytesPerSecond, nowMs: clock()))
        let label = side == .leader ? "leader" : "follower"
        bytesCounter = Counter(label: "petrel_replication_throttled_bytes_total", dimensions: [("side", label)])
        holdsCounter = Counter(label: "petrel_replication_throttle_holds_total", dimensions: [("side", label)])
    }

    /// Whether `replica`'s copying of `partition` counts against this limit.
    public func applies(to partition: TopicPartition, replica: Int32) -> Bool {
        guard let topic = cache.topic(named: partition.topic) else { return false }
        if cache.state(of: partition)?.isr.contains(replica) == true { return false }
        if topic.reassignment(of: partition.partition)?.adding.contains(replica) == true { return true }
        guard let listed = cache.configs(topic: partition.topic)[side.replicasKey] else { return false }
        return Self.lists(listed, partition: partition.partition, broker: cache.localBrokerId)
    }

    /// Whether throttled bytes may be copied now; false (a hold, counted) while the bytes
    /// recorded have used up the limit.
    public func admits() -> Bool {
        guard limit.withLock({ $0.isExceeded(nowMs: clock()) }) else { return true }
        totals.withLock { $0.holds += 1 }
        holdsCounter.increment()
        return false
    }

    /// Counts throttled bytes copied.
    public func record(bytes: Int) {
        guard bytes > 0 else { return }
        limit.withLock { $0.record(bytes, nowMs: clock()) }
        totals.withLock { $0.bytes += Int64(bytes) }
        bytesCounter.increment(by: Int64(bytes))
    }

    /// Throttled bytes copied so far, and the times they were held back.
    public var throttledBytes: Int64 { totals.withLock { $0.bytes } }
    public var holds: Int64 { totals.withLock { $0.holds } }

    /// Whether a throttled-replicas list ("*" or "partition:broker,...") names this pair.
    static func lists(_ list: String, partition: Int32, broker: Int32) -> Bool {
        let compact = list.filter { !$0.isWhitespace }
        if compact == "*" { return true }
        return compact.split(separator: ",").contains { entry in
            let pair = entry.split(separator: ":")
            return pair.count == 2 && Int32(pair[0]) == partition && Int32(pair[1]) == broker
        }
    }
}

/// A byte budget refilled at `bytesPerSecond` and holding at most one second of it: check
/// before sending, record after (a read may overdraw it; the debt is paid before the next).
/// Over any stretch of time the bytes recorded stay within the rate plus one second's burst.
struct ByteRateLimit: Sendable, Equatable {
    let bytesPerSecond: Int64
    private(set) var available: Double
    private(set) var lastRefillMs: Int64

    init(bytesPerSecond: Int64, nowMs: Int64) {
        self.bytesPerSecond = bytesPerSecond
        self.available = Double(bytesPerSecond)
        self.lastRefillMs = nowMs
    }

    mutating func isExceeded(nowMs: Int64) -> Bool {
        refill(nowMs: nowMs)
        return available <= 0
    }

    mutating func record(_ bytes: Int, nowMs: Int64) {
        refill(nowMs: nowMs)
        available -= Double(bytes)
    }

    private mutating func refill(nowMs: Int64) {
        guard nowMs > lastRefillMs else { return }
        let rate = Double(bytesPerSecond)
        available = min(rate, available + Double(nowMs - lastRefillMs) * rate / 1000)
        lastRefillMs = nowMs
    }
}

import LogStorage
import NIOConcurrencyHelpers
import ZooKeeperClient

/// What changed in the cluster metadata; the reader reads that part again (and watches again).
public enum MetadataChange: Sendable, Hashable {
    /// A broker registered or its registration ended.
    case brokers
    /// A topic was created or deleted.
    case topics
    /// A topic's assignment changed, or the topic was created or deleted.
    case topic(String)
    case topicConfig(String)
    /// A partition's leader, ISR or epochs changed, or the state was created or deleted.
    case partitionState(TopicPartition)
    /// The controller changed (elected, or its session ended).
    case controller
}

/// A subscriber to the change feed. Reads that take a watch register it for what they read; it
/// then receives one `MetadataChange` the next time that part changes (one-shot, as ZooKeeper's
/// watches are): read again, with the watch, to keep following. Changes arrive in the order the
/// store made them. The stream finishes when the session ends or the watch is cancelled.
///
/// Make one with the store's `makeWatch()`; one task should consume `changes`.
public final class MetadataWatch: Sendable {
    public typealias Deliver = @Sendable (MetadataChange) -> Void

    public let changes: AsyncStream<MetadataChange>
    private let continuation: AsyncStream<MetadataChange>.Continuation
    private let cancelled: NIOLockedValueBox<Bool>
    /// Identifies the watch in the embedded backend's registry.
    let id: UInt64
    /// The ZooKeeper watcher behind it (ZooKeeper backend only).
    let zooKeeperWatcher: ZooKeeperWatcher?

    /// `makeZooKeeperWatcher` gets the functions that deliver a change and end the stream.
    init(id: UInt64, makeZooKeeperWatcher: ((@escaping Deliver, @escaping @Sendable () -> Void) -> ZooKeeperWatcher)? = nil) {
        let (stream, continuation) = AsyncStream<MetadataChange>.makeStream()
        let cancelled = NIOLockedValueBox(false)
        let deliver: Deliver = { change in
            if !cancelled.withLockedValue({ $0 }) { continuation.yield(change) }
        }
        self.changes = stream
        self.continuation = continuation
        self.cancelled = cancelled
        self.id = id
        self.zooKeeperWatcher = makeZooKeeperWatcher?(deliver, { continuation.finish() })
    }

    func deliver(_ change: MetadataChange) {
        guard !isCancelled else { return }
        continuation.yield(change)
    }

    /// Ends the stream: no more changes are delivered.
    public func cancel() {
        cancelled.withLockedValue { $0 = true }
        continuation.finish()
    }

    func finish() { continuation.finish() }

    public var isCancelled: Bool { cancelled.withLockedValue { $0 } }
}

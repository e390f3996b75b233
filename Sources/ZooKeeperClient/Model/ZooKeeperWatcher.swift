/// Receives the events of the watches it is registered for (`exists`, `getData`, `getChildren`).
///
/// One watcher may be registered on many paths; each registration fires at most once. The client
/// calls `onEvent` on its event loop in the order the server sent the events, so it must not block.
/// When the session ends (expired or closed) the client calls `onSessionEnd` for every watcher that
/// still had a registration or a watching call in flight: its events will never come.
public final class ZooKeeperWatcher: Sendable, Hashable {
    private let onEvent: @Sendable (WatchEvent) -> Void
    private let onSessionEnd: @Sendable () -> Void

    public init(onSessionEnd: @escaping @Sendable () -> Void = {}, onEvent: @escaping @Sendable (WatchEvent) -> Void) {
        self.onEvent = onEvent
        self.onSessionEnd = onSessionEnd
    }

    /// A watcher whose events arrive on an AsyncStream; the stream finishes when the session ends.
    public static func makeStream() -> (watcher: ZooKeeperWatcher, events: AsyncStream<WatchEvent>) {
        let (stream, continuation) = AsyncStream<WatchEvent>.makeStream()
        let watcher = ZooKeeperWatcher(onSessionEnd: { continuation.finish() }, onEvent: { continuation.yield($0) })
        return (watcher, stream)
    }

    func deliver(_ event: WatchEvent) { onEvent(event) }
    func sessionEnded() { onSessionEnd() }

    public static func == (lhs: ZooKeeperWatcher, rhs: ZooKeeperWatcher) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

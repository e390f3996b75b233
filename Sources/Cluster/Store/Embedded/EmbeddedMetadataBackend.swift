import Logging
import NIOConcurrencyHelpers

/// The metadata of a cluster that runs in one process (`petrel dev` with several brokers): the
/// state ZooKeeper would hold, in memory behind one lock, saved to `<directory>/cluster-metadata.json`
/// after every change (temp file, fsync, rename) so the dev cluster survives a restart.
///
/// Each broker opens its own session (`openSession()`); its registration and controllership are
/// ephemeral and go when the session is closed or declared dead with `expireSession(_:)` (what
/// ZooKeeper does to a session whose owner went silent). Sessions do not survive a restart.
public final class EmbeddedMetadataBackend: @unchecked Sendable {
    public static let fileName = "cluster-metadata.json"

    /// The file, or nil for a memory-only backend.
    public let path: String?
    private let logger: Logger
    private let lock = NIOLock()
    // Guarded by `lock`.
    private var state = EmbeddedState()
    private var sessionWatches: [Int64: SessionWatches] = [:]
    private let watchIDs = NIOLockedValueBox<UInt64>(0)

    /// Loads `<directory>/cluster-metadata.json` if it exists; `directory: nil` keeps everything in memory.
    public init(directory: String?, logger: Logger = Logger(label: "petrel.cluster.embedded")) throws(ClusterError) {
        self.path = directory.map { $0 + "/" + Self.fileName }
        self.logger = logger
        if let path, let snapshot = try EmbeddedSnapshot.load(from: path) {
            try snapshot.restore(into: &state, path: path)
            logger.info("loaded cluster metadata", metadata: ["path": "\(path)", "topics": "\(state.topics.count)"])
        }
    }

    /// A new session, as a store for one broker.
    public func openSession() -> EmbeddedMetadataStore {
        let (id, signal) = lock.withLock { state.openSession() }
        let store = EmbeddedMetadataStore(backend: self, sessionID: id, signal: signal)
        lock.withLock { sessionWatches[id] = store.watches }
        return store
    }

    /// Declares a session dead: its registration and controllership go, its watches end, and
    /// its store reports `.expired` and refuses further calls.
    public func expireSession(_ id: Int64) { endSession(id, .expired) }

    /// The sessions that are still open.
    public var liveSessionIDs: [Int64] { lock.withLock { state.liveSessions.keys.sorted() } }

    func endSession(_ id: Int64, _ end: SessionEnd) {
        let (signal, watches) = lock.withLock { () -> (SessionEndSignal?, SessionWatches?) in
            let signal = state.endSession(id)
            deliverFired()
            return (signal, sessionWatches.removeValue(forKey: id))
        }
        watches?.finishAll()
        if let signal {
            logger.info("metadata session ended", metadata: ["session": "\(id)", "end": "\(end)"])
            signal.finish(end)
        }
    }

    func makeWatch() -> MetadataWatch {
        MetadataWatch(id: watchIDs.withLockedValue { id in
            id += 1
            return id
        })
    }

    /// Runs a read for a live session (registering watches).
    func read<T>(_ session: Int64, _ body: (inout EmbeddedState) throws(ClusterError) -> T) throws(ClusterError) -> T {
        lock.lock()
        defer { lock.unlock() }
        try state.requireLive(session)
        return try body(&state)
    }

    /// Runs a change for a live session, saves the result, then fires the watches it triggered.
    /// When the file cannot be written the change is undone and fails with `.storage`.
    func write<T>(_ session: Int64, _ body: (inout EmbeddedState) throws(ClusterError) -> T) throws(ClusterError) -> T {
        lock.lock()
        defer { lock.unlock() }
        try state.requireLive(session)
        let before = state
        let result: T
        do {
            result = try body(&state)
            if let path, state.lastTransactionID != before.lastTransactionID || state.clusterID != before.clusterID {
                try EmbeddedSnapshot(state).save(to: path)
            }
        } catch {
            state = before
            throw error
        }
        deliverFired()
        return result
    }

    /// Delivers (under the lock, so changes from different sessions keep the store's order).
    private func deliverFired() {
        let fired = state.fired
        state.fired = []
        for (watch, change) in fired { watch.deliver(change) }
    }
}

/// The watches the server holds for this session, by path and kind, as the client must remember
/// them: to route each notification to its watchers (and forget them: watches are one-shot), and
/// to re-register them with SetWatches after a reconnect.
struct WatchRegistry<Watcher: Hashable> {
    enum Kind: Sendable, Hashable {
        /// Set by getData, or by exists on a node that exists.
        case data
        /// Set by exists on a node that does not exist.
        case exist
        /// Set by getChildren.
        case child
    }

    private var data: [String: Set<Watcher>] = [:]
    private var exist: [String: Set<Watcher>] = [:]
    private var child: [String: Set<Watcher>] = [:]

    var isEmpty: Bool { data.isEmpty && exist.isEmpty && child.isEmpty }

    mutating func add(_ watcher: Watcher, path: String, kind: Kind) {
        switch kind {
        case .data: data[path, default: []].insert(watcher)
        case .exist: exist[path, default: []].insert(watcher)
        case .child: child[path, default: []].insert(watcher)
        }
    }

    /// Removes and returns the watchers an event fires, as ZooKeeper defines it: data and exist
    /// watches fire on created and data changed; child watches on children changed; data, exist
    /// and child watches on deleted.
    mutating func trigger(_ kind: WatchEvent.Kind, path: String) -> Set<Watcher> {
        var fired: Set<Watcher> = []
        switch kind {
        case .nodeCreated, .nodeDataChanged:
            fired.formUnion(data.removeValue(forKey: path) ?? [])
            fired.formUnion(exist.removeValue(forKey: path) ?? [])
        case .nodeChildrenChanged:
            fired.formUnion(child.removeValue(forKey: path) ?? [])
        case .nodeDeleted:
            fired.formUnion(data.removeValue(forKey: path) ?? [])
            fired.formUnion(exist.removeValue(forKey: path) ?? [])
            fired.formUnion(child.removeValue(forKey: path) ?? [])
        }
        return fired
    }

    /// Forgets every watch and returns the watchers that had one.
    mutating func removeAll() -> Set<Watcher> {
        var all: Set<Watcher> = []
        for watchers in data.values { all.formUnion(watchers) }
        for watchers in exist.values { all.formUnion(watchers) }
        for watchers in child.values { all.formUnion(watchers) }
        data = [:]
        exist = [:]
        child = [:]
        return all
    }

    /// SetWatches requests re-registering every watch, split so that no request carries much more
    /// than `maxPathBytes` of paths (the server refuses frames above its jute.maxbuffer).
    func setWatchesRequests(relativeZxid: Int64, maxPathBytes: Int = 128 * 1024) -> [SetWatchesRequest] {
        var requests: [SetWatchesRequest] = []
        var current = SetWatchesRequest(relativeZxid: relativeZxid, dataWatches: [], existWatches: [], childWatches: [])
        var bytes = 0
        func append(_ path: String, _ kind: Kind) {
            switch kind {
            case .data: current.dataWatches.append(path)
            case .exist: current.existWatches.append(path)
            case .child: current.childWatches.append(path)
            }
            bytes += path.utf8.count
            if bytes >= maxPathBytes {
                requests.append(current)
                current = SetWatchesRequest(relativeZxid: relativeZxid, dataWatches: [], existWatches: [], childWatches: [])
                bytes = 0
            }
        }
        for path in data.keys.sorted() { append(path, .data) }
        for path in exist.keys.sorted() { append(path, .exist) }
        for path in child.keys.sorted() { append(path, .child) }
        if bytes > 0 { requests.append(current) }
        return requests
    }
}

import Synchronization

/// A coordinator's shards, one per partition of its internal topic that this broker leads:
/// added (and loaded) when leadership arrives, removed (and closed) when it leaves, so a
/// request for a partition led elsewhere finds no shard and gets NOT_COORDINATOR.
final class CoordinatorShards<Runtime: AnyObject & Sendable>: Sendable {
    private let shards = Mutex<[Int32: Runtime]>([:])

    init() {}

    func shard(_ partition: Int32) -> Runtime? { shards.withLock { $0[partition] } }

    var all: [Runtime] { shards.withLock { map in map.keys.sorted().compactMap { map[$0] } } }

    var partitions: [Int32] { shards.withLock { $0.keys.sorted() } }

    /// Installs `runtime` for `partition`; returns the one it replaces, to close.
    @discardableResult
    func put(_ runtime: Runtime, for partition: Int32) -> Runtime? {
        shards.withLock { $0.updateValue(runtime, forKey: partition) }
    }

    func remove(_ partition: Int32) -> Runtime? {
        shards.withLock { $0.removeValue(forKey: partition) }
    }

    func removeAll() -> [Runtime] {
        shards.withLock { map in
            let all = Array(map.values)
            map.removeAll()
            return all
        }
    }
}

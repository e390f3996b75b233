/// New replica lists for a topic at another replication factor, for a partition reassignment:
/// every replica that stays keeps its place (the preferred leader first), added replicas go to
/// the brokers holding the fewest replicas of the topic, and removed ones come off the busiest;
/// with racks on every broker, a partition's replicas spread over as many racks as they can.
public enum ReplicationFactorPlanner {
    public struct Broker: Sendable, Hashable {
        public var id: Int32
        public var rack: String?

        public init(id: Int32, rack: String? = nil) {
            self.id = id
            self.rack = rack
        }
    }

    /// The partitions whose replicas change, with their new replicas. `current`: replicas by
    /// partition; `brokers`: the live brokers. Replicas on brokers that are not live go first
    /// when shrinking; `replicationFactor` must be between 1 and the broker count.
    public static func plan(current: [Int32: [Int32]], brokers: [Broker], replicationFactor: Int) -> [Int32: [Int32]] {
        let ids = brokers.map(\.id).sorted()
        guard replicationFactor >= 1, replicationFactor <= ids.count else { return [:] }
        var rackOf: [Int32: String] = [:]
        for broker in brokers { if let rack = broker.rack { rackOf[broker.id] = rack } }
        let rackAware = rackOf.count == brokers.count
        var load: [Int32: Int] = Dictionary(uniqueKeysWithValues: ids.map { ($0, 0) })
        for replicas in current.values { for replica in replicas { load[replica, default: 0] += 1 } }

        var changed: [Int32: [Int32]] = [:]
        for partition in current.keys.sorted() {
            guard var replicas = current[partition], replicas.count != replicationFactor else { continue }
            func racksUsed() -> [String: Int] {
                var used: [String: Int] = [:]
                for replica in replicas { if let rack = rackOf[replica] { used[rack, default: 0] += 1 } }
                return used
            }
            while replicas.count < replicationFactor {
                let used = racksUsed()
                // Rotate ties by partition so equal brokers take turns.
                let candidates = ids.filter { !replicas.contains($0) }
                guard let pick = candidates.min(by: { a, b in
                    let ka = (rackAware ? used[rackOf[a] ?? "", default: 0] : 0, load[a, default: 0], rotation(a, ids, partition))
                    let kb = (rackAware ? used[rackOf[b] ?? "", default: 0] : 0, load[b, default: 0], rotation(b, ids, partition))
                    return ka < kb
                }) else { break }
                replicas.append(pick)
                load[pick, default: 0] += 1
            }
            while replicas.count > replicationFactor {
                // Replicas on brokers that are gone first, then any but the preferred leader: from
                // the most crowded rack, the busiest broker, the last listed.
                let used = racksUsed()
                func key(_ index: Int) -> (Int, Int, Int, Int, Int) {
                    let replica = replicas[index]
                    return (
                        ids.contains(replica) ? 0 : 1, index > 0 ? 1 : 0, rackAware ? used[rackOf[replica] ?? "", default: 0] : 0,
                        load[replica, default: 0], index
                    )
                }
                guard let drop = replicas.indices.max(by: { key($0) < key($1) }) else { break }
                load[replicas[drop], default: 0] -= 1
                replicas.remove(at: drop)
            }
            changed[partition] = replicas
        }
        return changed
    }

    private static func rotation(_ broker: Int32, _ ids: [Int32], _ partition: Int32) -> Int {
        guard let index = ids.firstIndex(of: broker), !ids.isEmpty else { return 0 }
        return (index - Int(partition) % ids.count + ids.count) % ids.count
    }
}

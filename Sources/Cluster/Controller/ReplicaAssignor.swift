/// Replica placement for new topics and partitions: Kafka's AdminUtils.assignReplicasToBrokers
/// (server-common/.../admin/AdminUtils.java), rack-unaware and rack-aware.
///
/// Rack-unaware: the first replica of each partition goes round-robin from a random broker; the
/// others follow at an increasing shift, so a broker's partitions spread their followers over
/// the other brokers. Rack-aware (every broker has a rack): the same round-robin over a
/// rack-alternated broker list, and followers skip racks that already hold a replica until every
/// rack has one, so three replicas land in three racks when there are three.
public enum ReplicaAssignor {
    public struct Broker: Sendable, Hashable {
        public var id: Int32
        public var rack: String?

        public init(id: Int32, rack: String? = nil) {
            self.id = id
            self.rack = rack
        }
    }

    /// Replicas for partitions `startPartition ..< startPartition + partitions`, preferred leader
    /// first. `fixedStartIndex` makes the placement deterministic (Kafka uses it in tests and
    /// for CreatePartitions); nil draws the start and the shift at random.
    public static func assign(
        brokers: [Broker], partitions: Int, replicationFactor: Int, fixedStartIndex: Int? = nil, startPartition: Int = 0
    ) throws(ClusterError) -> [[Int32]] {
        var generator = SystemRandomNumberGenerator()
        return try assign(
            brokers: brokers, partitions: partitions, replicationFactor: replicationFactor, fixedStartIndex: fixedStartIndex,
            startPartition: startPartition, using: &generator)
    }

    public static func assign(
        brokers: [Broker], partitions: Int, replicationFactor: Int, fixedStartIndex: Int? = nil, startPartition: Int = 0,
        using generator: inout some RandomNumberGenerator
    ) throws(ClusterError) -> [[Int32]] {
        guard partitions > 0 else { throw .rejected(.invalidPartitions, "Number of partitions must be larger than 0.") }
        guard replicationFactor > 0 else {
            throw .rejected(.invalidReplicationFactor, "Replication factor must be larger than 0.")
        }
        guard replicationFactor <= brokers.count else {
            throw .rejected(
                .invalidReplicationFactor,
                "Replication factor: \(replicationFactor) larger than available brokers: \(brokers.count).")
        }
        let sorted = brokers.sorted { $0.id < $1.id }
        let racks = sorted.compactMap(\.rack)
        let startIndex = fixedStartIndex ?? Int.random(in: 0..<sorted.count, using: &generator)
        let shift = fixedStartIndex ?? Int.random(in: 0..<sorted.count, using: &generator)
        if racks.isEmpty {
            return rackUnaware(
                brokers: sorted.map(\.id), partitions: partitions, replicationFactor: replicationFactor,
                startIndex: startIndex, shift: shift, startPartition: startPartition)
        }
        guard racks.count == sorted.count else {
            throw .rejected(
                .invalidReplicaAssignment, "Not all brokers have rack information for replica rack aware assignment.")
        }
        return rackAware(
            brokers: sorted, partitions: partitions, replicationFactor: replicationFactor, startIndex: startIndex,
            shift: shift, startPartition: startPartition)
    }

    static func rackUnaware(
        brokers: [Int32], partitions: Int, replicationFactor: Int, startIndex: Int, shift: Int, startPartition: Int
    ) -> [[Int32]] {
        var result: [[Int32]] = []
        var nextReplicaShift = shift
        var partition = max(0, startPartition)
        for _ in 0..<partitions {
            if partition > 0 && partition % brokers.count == 0 { nextReplicaShift += 1 }
            let first = (partition + startIndex) % brokers.count
            var replicas = [brokers[first]]
            for j in 0..<(replicationFactor - 1) {
                replicas.append(brokers[replicaIndex(first: first, shift: nextReplicaShift, replica: j, brokers: brokers.count)])
            }
            result.append(replicas)
            partition += 1
        }
        return result
    }

    static func rackAware(
        brokers: [Broker], partitions: Int, replicationFactor: Int, startIndex: Int, shift: Int, startPartition: Int
    ) -> [[Int32]] {
        var rackOf: [Int32: String] = [:]
        for broker in brokers { rackOf[broker.id] = broker.rack ?? "" }
        let arranged = rackAlternatedBrokerList(rackOf)
        let rackCount = Set(rackOf.values).count
        var result: [[Int32]] = []
        var nextReplicaShift = shift
        var partition = max(0, startPartition)
        for _ in 0..<partitions {
            if partition > 0 && partition % arranged.count == 0 { nextReplicaShift += 1 }
            let first = (partition + startIndex) % arranged.count
            let leader = arranged[first]
            var replicas = [leader]
            var racksWithReplicas: Set<String> = [rackOf[leader] ?? ""]
            var brokersWithReplicas: Set<Int32> = [leader]
            var k = 0
            for _ in 0..<(replicationFactor - 1) {
                while true {
                    let broker = arranged[
                        replicaIndex(first: first, shift: nextReplicaShift * rackCount, replica: k, brokers: arranged.count)]
                    let rack = rackOf[broker] ?? ""
                    k += 1
                    // Skip a rack that has a replica while another has none, and a broker that
                    // has one while another has none.
                    if (!racksWithReplicas.contains(rack) || racksWithReplicas.count == rackCount)
                        && (!brokersWithReplicas.contains(broker) || brokersWithReplicas.count == arranged.count)
                    {
                        replicas.append(broker)
                        racksWithReplicas.insert(rack)
                        brokersWithReplicas.insert(broker)
                        break
                    }
                }
            }
            result.append(replicas)
            partition += 1
        }
        return result
    }

    /// Brokers alternated by rack (racks sorted, brokers by id within a rack):
    /// rack1: 0,1,2 / rack2: 3,4,5 / rack3: 6,7,8 gives 0,3,6,1,4,7,2,5,8.
    public static func rackAlternatedBrokerList(_ rackOf: [Int32: String]) -> [Int32] {
        var byRack: [String: [Int32]] = [:]
        for (id, rack) in rackOf { byRack[rack, default: []].append(id) }
        let racks = byRack.keys.sorted()
        var queues = racks.map { byRack[$0, default: []].sorted()[...] }
        var result: [Int32] = []
        var index = 0
        while result.count < rackOf.count {
            if let next = queues[index].popFirst() { result.append(next) }
            index = (index + 1) % racks.count
        }
        return result
    }

    static func replicaIndex(first: Int, shift: Int, replica: Int, brokers: Int) -> Int {
        let step = 1 + (shift + replica) % (brokers - 1)
        return (first + step) % brokers
    }
}

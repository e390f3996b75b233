import KafkaClient

/// How far a cluster is from healthy: which expected brokers are up (registered and answering
/// at their own address) and which partitions lack a full ISR (ISR = replica set). Computed
/// from Metadata answers alone, without I/O, so the rules are testable with plain values.
public struct ClusterHealth: Sendable, Equatable {
    public struct Partition: Sendable, Equatable, CustomStringConvertible {
        public var topic: String
        public var partition: Int32
        public var leader: Int32
        public var replicas: [Int32]
        public var isr: [Int32]

        public var description: String {
            let missing = Set(replicas).subtracting(isr).sorted().map(String.init).joined(separator: ",")
            let leaderText = leader < 0 ? "no leader" : "leader \(leader)"
            return "\(topic)-\(partition) (\(leaderText), missing from ISR: \(missing.isEmpty ? "-" : missing))"
        }
    }

    /// Every broker that should be up: the expected ones, the registered ones and every replica.
    public var expectedBrokers: [Int32]
    public var upBrokers: [Int32]
    public var partitionCount: Int
    /// Partitions whose ISR is not their whole replica set, or that have no leader.
    public var underReplicated: [Partition]
    /// False when no broker answered at all.
    public var answered: Bool

    public var downBrokers: [Int32] { Set(expectedBrokers).subtracting(upBrokers).sorted() }
    public var fullIsrCount: Int { partitionCount - underReplicated.count }
    public var isHealthy: Bool { answered && downBrokers.isEmpty && underReplicated.isEmpty }

    /// `views`: Metadata answers keyed by the address that gave them. The controller's answer
    /// is trusted for partitions (it writes ISR changes; others follow within moments), else the
    /// first answering broker's.
    public static func assess(views: [BrokerAddress: ClusterMetadata], expected: Set<Int32>) -> ClusterHealth {
        let ordered = views.sorted { $0.key.description < $1.key.description }
        guard let first = ordered.first?.value else {
            return ClusterHealth(
                expectedBrokers: expected.sorted(), upBrokers: [], partitionCount: 0, underReplicated: [], answered: false)
        }
        let controllerIDs = ordered.map(\.value.controllerId).filter { $0 >= 0 }
        let authority =
            ordered.first { entry in controllerIDs.contains { entry.value.brokers[$0] == entry.key } }?.value ?? first
        let registered = authority.brokers
        let up = registered.filter { views[$0.value] != nil }.map(\.key)
        var expectedAll = expected.union(registered.keys)
        var partitions = 0
        var lagging: [Partition] = []
        for (name, topic) in authority.topics.sorted(by: { $0.key < $1.key }) {
            for p in topic.partitions {
                partitions += 1
                expectedAll.formUnion(p.replicas)
                if p.leader < 0 || Set(p.isr) != Set(p.replicas) {
                    lagging.append(Partition(topic: name, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr))
                }
            }
        }
        return ClusterHealth(
            expectedBrokers: expectedAll.sorted(), upBrokers: up.sorted(), partitionCount: partitions,
            underReplicated: lagging, answered: true)
    }

    /// One progress line: brokers up x/y, partitions with full ISR x/y, naming the stragglers
    /// when there are few.
    public func summary(naming limit: Int = 5) -> String {
        guard answered else { return "no broker answers yet" }
        var text = "brokers up \(upBrokers.count)/\(expectedBrokers.count)"
        if !downBrokers.isEmpty { text += " (down: \(downBrokers.map(String.init).joined(separator: ", ")))" }
        text += ", partitions with full ISR \(fullIsrCount)/\(partitionCount)"
        if !underReplicated.isEmpty {
            if underReplicated.count <= limit {
                text += "; under-replicated: " + underReplicated.map(\.description).joined(separator: "; ")
            } else {
                text += "; \(underReplicated.count) under-replicated, e.g. " + underReplicated.prefix(3).map(\.description).joined(separator: "; ")
            }
        }
        return text
    }
}

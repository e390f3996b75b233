import KafkaClient
import Testing

/// New replica lists for `topics:replication-factor`: existing replicas stay in place, new ones
/// spread evenly (and over racks), removed ones come off the busiest brokers.
@Suite struct ReplicationFactorPlannerTests {
    typealias B = ReplicationFactorPlanner.Broker
    static let three = [B(id: 1), B(id: 2), B(id: 3)]

    static func load(_ plan: [Int32: [Int32]], _ current: [Int32: [Int32]]) -> [Int32: Int] {
        var load: [Int32: Int] = [:]
        for partition in current.keys { for replica in plan[partition] ?? current[partition] ?? [] { load[replica, default: 0] += 1 } }
        return load
    }

    @Test func growingKeepsEveryReplicaInPlaceAndSpreadsTheNewOnes() {
        let current: [Int32: [Int32]] = [0: [1], 1: [2], 2: [3], 3: [1], 4: [2], 5: [3]]
        let plan = ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 2)
        #expect(plan.count == 6)
        for (partition, replicas) in plan {
            #expect(replicas.count == 2)
            #expect(replicas.first == current[partition]?.first, "the preferred leader stays first")
            #expect(Set(replicas).count == 2)
        }
        #expect(Self.load(plan, current) == [1: 4, 2: 4, 3: 4])
        let full = ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 3)
        #expect(full.values.allSatisfy { Set($0) == [1, 2, 3] })
    }

    @Test func shrinkingKeepsThePreferredLeaderAndEvensTheLoad() {
        let current: [Int32: [Int32]] = [0: [1, 2, 3], 1: [2, 3, 1], 2: [3, 1, 2]]
        let plan = ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 1)
        #expect(plan == [0: [1], 1: [2], 2: [3]])
        let two = ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 2)
        #expect(two.allSatisfy { $0.value.count == 2 && $0.value.first == current[$0.key]?.first })
        #expect(Self.load(two, current) == [1: 2, 2: 2, 3: 2])
    }

    @Test func replicasOnBrokersThatAreGoneGoFirst() {
        // Broker 4 is no longer in the cluster.
        let current: [Int32: [Int32]] = [0: [4, 1, 2], 1: [1, 4, 3]]
        let plan = ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 2)
        #expect(plan == [0: [1, 2], 1: [1, 3]])
    }

    @Test func newReplicasGoToRacksThePartitionIsNotInYet() {
        let brokers = [B(id: 1, rack: "a"), B(id: 2, rack: "a"), B(id: 3, rack: "b"), B(id: 4, rack: "b"), B(id: 5, rack: "c")]
        let current: [Int32: [Int32]] = [0: [1], 1: [2], 2: [3], 3: [5]]
        let plan = ReplicationFactorPlanner.plan(current: current, brokers: brokers, replicationFactor: 3)
        let rack: [Int32: String] = [1: "a", 2: "a", 3: "b", 4: "b", 5: "c"]
        for (partition, replicas) in plan {
            #expect(Set(replicas.compactMap { rack[$0] }) == ["a", "b", "c"], "partition \(partition): \(replicas)")
        }
        // Shrinking drops a replica from a rack that has two first.
        let crowded: [Int32: [Int32]] = [0: [1, 2, 3]]
        #expect(ReplicationFactorPlanner.plan(current: crowded, brokers: brokers, replicationFactor: 2) == [0: [1, 3]])
    }

    @Test func nothingToDoOrImpossible() {
        let current: [Int32: [Int32]] = [0: [1, 2]]
        #expect(ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 2).isEmpty)
        #expect(ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 4).isEmpty)
        #expect(ReplicationFactorPlanner.plan(current: current, brokers: Self.three, replicationFactor: 0).isEmpty)
    }
}

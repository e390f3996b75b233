import Testing

@testable import Cluster

/// Replica placement, checked against the examples in Kafka's AdminUtils and its properties.
@Suite struct ReplicaAssignorTests {
    typealias Broker = ReplicaAssignor.Broker

    @Test func rackUnawareMatchesKafkasTable() throws {
        // AdminUtils' javadoc table: 5 brokers, 10 partitions, 3 replicas, start 0, no shift.
        let assignment = ReplicaAssignor.rackUnaware(
            brokers: [0, 1, 2, 3, 4], partitions: 10, replicationFactor: 3, startIndex: 0, shift: 0, startPartition: 0)
        #expect(assignment == [
            [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 0], [4, 0, 1],
            [0, 2, 3], [1, 3, 4], [2, 4, 0], [3, 0, 1], [4, 1, 2],
        ])
    }

    @Test func rackAlternatedListMatchesKafka() {
        #expect(ReplicaAssignor.rackAlternatedBrokerList([0: "rack1", 1: "rack3", 2: "rack3", 3: "rack2", 4: "rack2", 5: "rack1"])
            == [0, 3, 1, 5, 4, 2])
        #expect(ReplicaAssignor.rackAlternatedBrokerList([
            0: "rack1", 1: "rack1", 2: "rack1", 3: "rack2", 4: "rack2", 5: "rack2", 6: "rack3", 7: "rack3", 8: "rack3",
        ]) == [0, 3, 6, 1, 4, 7, 2, 5, 8])
    }

    @Test func rackAwareMatchesKafkasExample() throws {
        let brokers = [Broker(id: 0, rack: "rack1"), Broker(id: 1, rack: "rack3"), Broker(id: 2, rack: "rack3"),
                       Broker(id: 3, rack: "rack2"), Broker(id: 4, rack: "rack2"), Broker(id: 5, rack: "rack1")]
        let assignment = try ReplicaAssignor.assign(brokers: brokers, partitions: 7, replicationFactor: 3, fixedStartIndex: 0)
        // The javadoc: 0->0,3,1 1->3,1,5 2->1,5,4 3->5,4,2 4->4,2,0 5->2,0,3, then shifted: 6->0,4,2.
        #expect(assignment.prefix(6) == [[0, 3, 1], [3, 1, 5], [1, 5, 4], [5, 4, 2], [4, 2, 0], [2, 0, 3]])
        #expect(assignment[6] == [0, 4, 2])
    }

    @Test(arguments: 0..<20)
    func threeReplicasLandInThreeRacks(seed: Int) throws {
        let racks = ["a", "b", "c"]
        let brokers = (0..<9).map { Broker(id: Int32($0), rack: racks[$0 % 3]) }
        let assignment = try ReplicaAssignor.assign(brokers: brokers, partitions: 30, replicationFactor: 3, fixedStartIndex: seed % 9)
        let rackOf = Dictionary(uniqueKeysWithValues: brokers.map { ($0.id, $0.rack ?? "") })
        for replicas in assignment {
            #expect(Set(replicas).count == 3)
            #expect(Set(replicas.compactMap { rackOf[$0] }).count == 3, "\(replicas) spans fewer than three racks")
        }
    }

    @Test func leadersAndReplicasSpreadEvenly() throws {
        let brokers = (1...3).map { Broker(id: Int32($0)) }
        let assignment = try ReplicaAssignor.assign(brokers: brokers, partitions: 30, replicationFactor: 3)
        var leaders: [Int32: Int] = [:]
        var replicas: [Int32: Int] = [:]
        for partition in assignment {
            leaders[partition[0], default: 0] += 1
            for replica in partition { replicas[replica, default: 0] += 1 }
            #expect(Set(partition).count == 3)
        }
        #expect(leaders == [1: 10, 2: 10, 3: 10])
        #expect(replicas == [1: 30, 2: 30, 3: 30])
    }

    @Test func randomStartsVaryThePlacement() throws {
        let brokers = (1...5).map { Broker(id: Int32($0)) }
        var firsts: Set<Int32> = []
        for _ in 0..<50 {
            firsts.insert(try ReplicaAssignor.assign(brokers: brokers, partitions: 1, replicationFactor: 1)[0][0])
        }
        #expect(firsts.count > 1, "the first leader comes from a random start")
    }

    @Test func impossibleRequestsAreRefusedWithKafkasCodes() {
        let two = [Broker(id: 1), Broker(id: 2)]
        #expect(throws: ClusterError.self) { try ReplicaAssignor.assign(brokers: two, partitions: 1, replicationFactor: 3) }
        do {
            _ = try ReplicaAssignor.assign(brokers: two, partitions: 1, replicationFactor: 3)
        } catch {
            #expect(error.code == .invalidReplicationFactor)
            #expect(error.message == "Replication factor: 3 larger than available brokers: 2.")
        }
        do {
            _ = try ReplicaAssignor.assign(brokers: two, partitions: 0, replicationFactor: 1)
            Issue.record("zero partitions must be refused")
        } catch {
            #expect(error.code == .invalidPartitions)
        }
        do {
            _ = try ReplicaAssignor.assign(brokers: [Broker(id: 1, rack: "a"), Broker(id: 2)], partitions: 1, replicationFactor: 1)
            Issue.record("racks on some brokers only must be refused")
        } catch {
            #expect(error.code == .invalidReplicaAssignment)
        }
    }
}

import Foundation
import KafkaClient
import LocalCluster
import Testing
import TestSupport

/// `petrel cluster up --zookeeper 3`: the ensemble's leader is killed with `petrel fail
/// --zookeeper`; the other two elect a new one, the cluster keeps taking acks=all writes and
/// metadata changes, and `cluster down` stops all six processes.
@Suite(.serialized) struct ZooKeeperEnsembleClusterTests {
    @Test func killingTheZooKeeperLeaderKeepsTheClusterWorking() async throws {
        let fixture = try LocalClusterFixture(zookeeper: 3)
        let up = try await fixture.up(zookeeper: 3)
        try #require(up.status == 0)
        let state = try fixture.state()
        #expect(up.stdout.contains("zookeeper.connect=\(state.zookeeperConnect)"))
        let modes = state.zookeeper.map { $0.mode() }
        #expect(modes.filter { $0 == "leader" }.count == 1 && modes.filter { $0 == "follower" }.count == 2, "modes: \(modes)")

        let client = try fixture.client()
        _ = try await client.createTopic("before", partitions: 2, replicationFactor: 3)
        try await client.produce(topic: "before", partition: 0, records: [ProducerRecord(key: nil, value: "one")], acks: .all)

        let leader = try #require(state.zookeeper.first { $0.mode() == "leader" })
        let fail = try await fixture.petrel(["fail", "--zookeeper", "--node", "\(leader.id)"] + fixture.dirArguments)
        #expect(fail.stdout.contains("killed ZooKeeper \(leader.id)"))
        #expect(fail.stdout.contains("was leader"))
        #expect(fail.stdout.contains("ZooKeeper \(leader.id) serves again"))
        let after = try fixture.state().zookeeper.map { $0.mode() }
        #expect(after.filter { $0 == "leader" }.count == 1 && after.filter { $0 == "follower" }.count == 2, "modes: \(after)")

        try await fixture.petrel(["wait", "--timeout", "120"] + fixture.dirArguments)
        _ = try await client.createTopic("after", partitions: 2, replicationFactor: 3)
        try await client.produce(topic: "after", partition: 1, records: [ProducerRecord(key: nil, value: "two")], acks: .all)
        #expect(try await Records.readAll(client, topic: "before", partitions: 2) == ["one"])
        #expect(try await Records.readAll(client, topic: "after", partitions: 2) == ["two"])
        await client.shutdown()

        try await fixture.petrel(["cluster", "down"] + fixture.dirArguments)
        #expect(fixture.processesInDirectory().isEmpty)
    }
}

import Foundation
import KafkaClient
import LocalCluster
import Testing
import TestSupport

/// `petrel cluster up` with real processes (3 brokers, standalone ZooKeeper): produce with
/// acks=all while the leader is killed, `petrel wait`, then an empty replacement broker and a
/// ZooKeeper kill; every acknowledged record stays readable and `cluster down` leaves nothing.
@Suite(.serialized) struct LocalClusterLifecycleTests {
    @Test func failoverReplacementAndShutdownKeepEveryAcknowledgedRecord() async throws {
        let fixture = try LocalClusterFixture()
        let up = try await fixture.up()
        try #require(up.status == 0)
        var state = try fixture.state()
        #expect(state.brokers.count == 3 && state.zookeeper.count == 1)
        for broker in state.brokers { #expect(up.stdout.contains("broker \(broker.id): \(broker.address)")) }
        #expect(up.stdout.contains("KAFKA_URL=\(fixture.bootstrap)"))
        #expect(state.brokers.allSatisfy { $0.isRunning })

        let again = try await PetrelCLI.run(["cluster", "up", "--zookeeper", "1"] + fixture.dirArguments)
        #expect(again.status != 0)
        #expect(again.errorLines == [
            "Error: \(fixture.directory) already holds a running cluster (brokers at \(fixture.bootstrap)); stop it with `petrel cluster down --dir \(fixture.directory)` or choose another --dir."
        ])
        let noSuchBroker = try await PetrelCLI.run(["fail", "--broker", "9"] + fixture.dirArguments)
        #expect(noSuchBroker.errorLines == ["Error: There is no broker 9 in the cluster in \(fixture.directory); its brokers are 1, 2, 3."])

        let client = try fixture.client()
        let topic = "events"
        let created = try await client.createTopic(topic, partitions: 3, replicationFactor: 3)
        #expect(created.replicationFactor == 3)
        let acked = AcknowledgedValues()
        let producer = Task { await Records.produceUntilCancelled(client, topic: topic, partitions: 3, into: acked) }
        defer { producer.cancel() }
        try await Records.waitUntil("30 acknowledged records") { acked.all.count >= 30 }

        // Kill the leader of partition 0 while the producer runs; it comes back with its data.
        let leader = try #require(try await client.topicMetadata(topic, forceRefresh: true).partition(0)?.leader)
        let oldPid = try #require(state.brokers.first { $0.id == leader }?.pid)
        let fail = try await fixture.petrel(["fail", "--broker", "\(leader)"] + fixture.dirArguments)
        #expect(fail.stdout.contains("killed broker \(leader) (pid \(oldPid), SIGKILL)"))
        #expect(fail.stdout.contains("broker \(leader) is registered again"))
        let restarted = try #require(try fixture.state().brokers.first { $0.id == leader })
        #expect(restarted.pid != oldPid && restarted.isRunning && !ProcessTable.isAlive(oldPid))
        let before = acked.all.count
        let wait = try await fixture.petrel(["wait", "--timeout", "120"] + fixture.dirArguments)
        #expect(wait.stdout.contains("ready after"))
        try await Records.waitUntil("30 more acknowledged records after the failover") { acked.all.count >= before + 30 }
        producer.cancel()
        await producer.value
        try await expectReadable(acked.all, client: client, topic: topic)

        // An empty replacement under another broker's id re-replicates every partition.
        state = try fixture.state()
        let victim = try #require(state.brokers.first { $0.id != leader })
        let marker = victim.dataDirectory + "/left-by-the-test"
        #expect(FileManager.default.createFile(atPath: marker, contents: Data("x".utf8)))
        let catastrophic = try await fixture.petrel(["fail", "--broker", "\(victim.id)", "--catastrophic"] + fixture.dirArguments)
        #expect(catastrophic.stdout.contains("wiped broker \(victim.id)'s data"))
        #expect(!FileManager.default.fileExists(atPath: marker))
        try await fixture.petrel(["wait", "--timeout", "120"] + fixture.dirArguments)
        let witness = try #require(state.brokers.first { $0.id != victim.id })
        for partition in 0..<3 {
            try await expectSameLog(
                "\(topic)-\(partition)", replica: victim.dataDirectory, reference: witness.dataDirectory)
        }
        try await expectReadable(acked.all, client: client, topic: topic)

        // The only ZooKeeper server dies and comes back; the cluster carries on.
        let zookeeperFail = try await fixture.petrel(["fail", "--zookeeper"] + fixture.dirArguments)
        #expect(zookeeperFail.stdout.contains("ZooKeeper 1 serves again"))
        try await fixture.petrel(["wait", "--timeout", "120"] + fixture.dirArguments)
        try await client.produce(topic: topic, partition: 0, records: [ProducerRecord(key: nil, value: "after-zookeeper")], acks: .all)
        await client.shutdown()

        state = try fixture.state()
        let down = try await fixture.petrel(["cluster", "down"] + fixture.dirArguments)
        #expect(down.stdout.contains("cluster stopped"))
        for pid in state.brokers.compactMap(\.pid) + state.zookeeper.compactMap(\.pid) { #expect(!ProcessTable.isAlive(pid)) }
        #expect(fixture.processesInDirectory().isEmpty)
        #expect(try fixture.state().brokers.allSatisfy { $0.pid == nil })
        let downAgain = try await fixture.petrel(["cluster", "down"] + fixture.dirArguments)
        #expect(downAgain.stdout.contains("nothing of the cluster"))
    }

    /// Every acknowledged value is in the topic (a retried send may add a duplicate; none is lost).
    private func expectReadable(_ acknowledged: [String], client: KafkaClient, topic: String) async throws {
        let read = Set(try await Records.readAll(client, topic: topic, partitions: 3))
        let missing = acknowledged.filter { !read.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) of \(acknowledged.count) acknowledged records are missing, e.g. \(missing.prefix(5))")
    }

    /// The replica's log segments of `partition` match the reference replica's byte for byte
    /// (followers copy batches as they are); polls briefly, as the last fetch may be in flight.
    private func expectSameLog(_ partition: String, replica: String, reference: String) async throws {
        func logs(_ dataDir: String) -> [String: Data] {
            let dir = "\(dataDir)/\(partition)"
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".log") }
            return Dictionary(uniqueKeysWithValues: files.map { ($0, FileManager.default.contents(atPath: "\(dir)/\($0)") ?? Data()) })
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, logs(replica) != logs(reference) || logs(reference).isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        let mine = logs(replica)
        #expect(!mine.isEmpty && mine.values.contains { !$0.isEmpty }, "\(partition) has no log data in \(replica)")
        #expect(mine == logs(reference), "\(partition) in \(replica) differs from \(reference)")
    }
}

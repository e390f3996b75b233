import Cluster
import Foundation
import KafkaClient
import KafkaProtocol
import LogStorage
import NIOCore
import Testing
import TestSupport

@testable import KafkaBroker

/// Reassignment, elections and replacement brokers on three real brokers in this process (one
/// embedded metadata store, replication over loopback TCP), driven through our KafkaClient.
@Suite(.serialized) struct ReassignmentClusterTests {
    static func values(_ topic: String, _ partition: Int32, count: Int) -> [String] {
        // Long enough that a few dozen records outgrow a small replication throttle.
        (0..<count).map { "\(topic)-\(partition)-\($0)-" + String(repeating: "x", count: 120) }
    }

    /// Produces `count` records to each partition, acks=all, one batch per ten.
    static func produce(_ client: KafkaClient, _ topic: String, partitions: Int32, count: Int, from start: Int = 0) async throws {
        for partition in 0..<partitions {
            let all = values(topic, partition, count: start + count)[start...]
            for chunk in stride(from: all.startIndex, to: all.endIndex, by: 10) {
                let records = all[chunk..<min(chunk + 10, all.endIndex)].map { ProducerRecord(key: nil, value: $0) }
                _ = try await client.produce(topic: topic, partition: partition, records: Array(records), acks: .all)
            }
        }
    }

    /// Every record of a partition, read through its leader.
    static func consume(_ client: KafkaClient, _ topic: String, _ partition: Int32, count: Int) async throws -> [String] {
        var out: [String] = []
        var offset: Int64 = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while out.count < count, ContinuousClock.now < deadline {
            let fetched = try await client.fetchRecords(topic: topic, partition: partition, offset: offset, maxWaitMs: 100)
            out += fetched.records.map { String(buffer: $0.value ?? ByteBuffer()) }
            offset = fetched.nextOffset
        }
        return out
    }

    /// Waits until every partition of `topic` has exactly `replicas(partition)`, all in sync,
    /// with no reassignment left, as broker 1 sees it.
    static func waitForReplicas(
        _ cluster: LocalClusterFixture, _ topic: String, partitions: Int32, timeout: Duration = .seconds(30),
        _ replicas: (Int32) -> [Int32]
    ) async throws {
        try await BrokerFixture.waitFor("\(topic) on its new replicas, all in sync", timeout: timeout) {
            (0..<partitions).allSatisfy { p in
                guard let seen = cluster.state(topic, p), let moving = cluster.services(1)?.topics.cache.topic(named: topic)
                else { return false }
                return seen.replicas == replicas(p) && Set(seen.state.isr) == Set(replicas(p)) && !moving.isBeingReassigned(p)
            } ? true : nil
        }
    }

    @Test func aTopicGoesFromOneReplicaToThreeAndBackToAnotherBrokerWithItsData() async throws {
        try await LocalClusterFixture.run { cluster in
            let client = try cluster.client()
            defer { Task { await client.shutdown() } }
            let topic = "moving"
            try await client.createTopic(topic, partitions: 2, replicationFactor: 1)
            try await Self.produce(client, topic, partitions: 2, count: 40)
            let before = try await client.describeTopic(topic)
            let leaders = Dictionary(uniqueKeysWithValues: before.partitions.map { ($0.partition, $0.leader) })

            // One replica to three, the current one staying first.
            let three: (Int32) -> [Int32] = { p in
                let leader = leaders[p] ?? 1
                return [leader] + [1, 2, 3].filter { $0 != leader }
            }
            let refused = try await client.alterPartitionReassignments(
                (0..<2).map { ReassignmentTarget(topic: topic, partition: $0, replicas: three($0)) })
            #expect(refused.isEmpty)
            try await Self.waitForReplicas(cluster, topic, partitions: 2, three)
            #expect(try await client.listPartitionReassignments([topic: [0, 1]]).isEmpty)
            for p: Int32 in 0..<2 {
                var copies: [ByteBuffer] = []
                for id: Int32 in [1, 2, 3] {
                    let replica = try #require(cluster.replica(id, topic, p), "broker \(id) holds \(topic)-\(p)")
                    try await BrokerFixture.waitFor("broker \(id)'s copy of \(topic)-\(p)") {
                        replica.logEndOffset == 40 ? true : nil
                    }
                    copies.append(try LocalClusterFixture.logBytes(replica))
                }
                #expect(copies.allSatisfy { $0 == copies[0] }, "every replica holds the leader's batches byte for byte")
            }

            // Back to one replica, on a broker that was added: leadership moves there first.
            let one: (Int32) -> [Int32] = { p in [three(p)[2]] }
            #expect(try await client.alterPartitionReassignments(
                (0..<2).map { ReassignmentTarget(topic: topic, partition: $0, replicas: one($0)) }).isEmpty)
            try await Self.waitForReplicas(cluster, topic, partitions: 2, one)
            for p: Int32 in 0..<2 {
                #expect(cluster.state(topic, p)?.state.leader == one(p)[0])
                for id: Int32 in [1, 2, 3] where id != one(p)[0] {
                    try await BrokerFixture.waitFor("broker \(id) to drop \(topic)-\(p)") {
                        cluster.replica(id, topic, p) == nil
                            && cluster.services(id)?.logManager.allLogs.contains { $0.0 == TopicPartition(topic: topic, partition: p) } == false
                            ? true : nil
                    }
                }
                #expect(try await Self.consume(client, topic, p, count: 40) == Self.values(topic, p, count: 40))
            }
        }
    }

    @Test func cancellingAndRefusedReassignmentsAndLeaderElections() async throws {
        try await LocalClusterFixture.run { cluster in
            let client = try cluster.client()
            defer { Task { await client.shutdown() } }
            let topic = "elect"
            try await client.createTopic(topic, partitions: 1, replicationFactor: 3)
            try await Self.produce(client, topic, partitions: 1, count: 10)
            let replicas = try #require(try await client.describeTopic(topic).partition(0)?.replicas)
            try await Self.waitForReplicas(cluster, topic, partitions: 1) { _ in replicas }

            // Refusals, per partition, as Kafka gives them.
            let bad = try await client.alterPartitionReassignments([
                ReassignmentTarget(topic: topic, partition: 0, replicas: nil),
                ReassignmentTarget(topic: topic, partition: 7, replicas: [1]),
                ReassignmentTarget(topic: "ghost", partition: 0, replicas: [1]),
            ])
            #expect(bad[ReassignmentTarget(topic: topic, partition: 0, replicas: nil)]?.code == .noReassignmentInProgress)
            #expect(bad[ReassignmentTarget(topic: topic, partition: 7, replicas: [1])]?.code == .unknownTopicOrPartition)
            #expect(bad[ReassignmentTarget(topic: "ghost", partition: 0, replicas: [1])]?.code == .unknownTopicOrPartition)
            for target: [Int32] in [[], [1, 1], [9], [-1]] {
                let refused = try await client.alterPartitionReassignments([ReassignmentTarget(topic: topic, partition: 0, replicas: target)])
                #expect(refused.values.first?.code == .invalidReplicaAssignment, "target \(target)")
            }

            // Reordering the same replicas: done at once, and the leader is no longer preferred.
            let reordered = [replicas[1], replicas[0], replicas[2]]
            #expect(try await client.alterPartitionReassignments([ReassignmentTarget(topic: topic, partition: 0, replicas: reordered)]).isEmpty)
            try await Self.waitForReplicas(cluster, topic, partitions: 1) { _ in reordered }
            #expect(cluster.state(topic, 0)?.state.leader == replicas[0])
            let elected = try await client.electLeaders(.preferred, partitions: [topic: [0]])
            #expect(elected.map(\.partition) == [0])
            #expect(elected.first?.error == nil)
            try await BrokerFixture.waitFor("the preferred replica to lead") {
                cluster.state(topic, 0)?.state.leader == reordered[0] ? true : nil
            }
            let again = try await client.electLeaders(.preferred, partitions: [topic: [0], "ghost": [0]])
            #expect(again.map(\.topic) == [topic, "ghost"])
            #expect(again.map { $0.error?.code } == [.electionNotNeeded, .unknownTopicOrPartition])
            #expect(try await client.electLeaders(.unclean, partitions: [topic: [0]]).first?.error?.code == .electionNotNeeded)
            // All partitions: only those that needed an election are reported.
            #expect(try await client.electLeaders(.preferred).filter { $0.topic == topic }.isEmpty)
            #expect(try await Self.consume(client, topic, 0, count: 10) == Self.values(topic, 0, count: 10))
        }
    }

    @Test func aReassignmentToAStoppedBrokerWaitsAndCancellingRevertsIt() async throws {
        try await LocalClusterFixture.run { cluster in
            let client = try cluster.client()
            defer { Task { await client.shutdown() } }
            let topic = "stuck"
            try await client.createTopic(topic, partitions: 1, replicationFactor: 1)
            try await Self.produce(client, topic, partitions: 1, count: 5)
            let origin = try #require(try await client.describeTopic(topic).partition(0)?.replicas)
            let others = [Int32]([1, 2, 3]).filter { !origin.contains($0) }
            // Broker others[1] stops after accepting: the move cannot complete without it.
            #expect(try await client.alterPartitionReassignments([ReassignmentTarget(topic: topic, partition: 0, replicas: others)]).isEmpty)
            try await cluster.stop(others[1])
            let ongoing = try await client.listPartitionReassignments()
            #expect(ongoing.map(\.topic) == [topic])
            #expect(ongoing.first?.adding == others)
            #expect(ongoing.first?.removing == origin)
            #expect(ongoing.first?.replicas == others + origin)
            try await Task.sleep(for: .milliseconds(300))
            #expect(cluster.state(topic, 0)?.replicas == others + origin, "still waiting for the stopped broker")

            #expect(try await client.alterPartitionReassignments([ReassignmentTarget(topic: topic, partition: 0, replicas: nil)]).isEmpty)
            try await Self.waitForReplicas(cluster, topic, partitions: 1) { _ in origin }
            try await BrokerFixture.waitFor("the added replica to be dropped") { cluster.replica(others[0], topic, 0) == nil ? true : nil }
            #expect(try await client.listPartitionReassignments().isEmpty)
            #expect(try await Self.consume(client, topic, 0, count: 5) == Self.values(topic, 0, count: 5))
        }
    }

    @Test func throttledCatchUpCountsOnlyTheReplicasBeingAdded() async throws {
        try await LocalClusterFixture.run(configure: { _, options in
            // The follower may take more than the leader sends: each side's limit is seen holding.
            options.cluster.replicationThrottle = ReplicationThrottleRates(leaderBytesPerSecond: 4096, followerBytesPerSecond: 8192)
        }) { cluster in
            let client = try cluster.client()
            defer { Task { await client.shutdown() } }
            let topic = "throttled"
            try await client.createTopic(topic, partitions: 1, replicationFactor: 1)
            try await Self.produce(client, topic, partitions: 1, count: 80)
            let origin = try #require(try await client.describeTopic(topic).partition(0)?.replicas.first)
            let added = try #require([Int32]([1, 2, 3]).first { $0 != origin })
            #expect(try await client.alterPartitionReassignments([ReassignmentTarget(topic: topic, partition: 0, replicas: [origin, added])]).isEmpty)
            try await Self.waitForReplicas(cluster, topic, partitions: 1) { _ in [origin, added] }

            let leaderThrottle = try #require(cluster.services(origin)?.leaderThrottle)
            let followerThrottle = try #require(cluster.services(added)?.fetchers.throttle)
            let log = try #require(cluster.replica(origin, topic, 0)).log
            let copied = Int64(try LocalClusterFixture.logBytes(try #require(cluster.replica(origin, topic, 0))).readableBytes)
            #expect(log.logEndOffset == 80)
            // Every byte the new replica copied counted, on both sides (a batch sent twice counts twice).
            #expect(copied > 8192, "more than either side lets through at once")
            #expect(leaderThrottle.throttledBytes >= copied, "the leader counted what the new replica copied")
            #expect(followerThrottle.throttledBytes >= copied, "and so did the new replica")
            #expect(leaderThrottle.holds > 0, "the leader held data back once the budget was spent")
            #expect(followerThrottle.holds > 0, "the new replica waited for its budget")

            // In sync now, as both brokers see it: more records replicate outside the throttle.
            for id in [origin, added] {
                try await BrokerFixture.waitFor("broker \(id) to see the new replica in sync") {
                    cluster.state(topic, 0, seenBy: id)?.state.isr.contains(added) == true ? true : nil
                }
            }
            let (leaderBefore, followerBefore) = (leaderThrottle.throttledBytes, followerThrottle.throttledBytes)
            try await Self.produce(client, topic, partitions: 1, count: 20, from: 80)
            try await BrokerFixture.waitFor("the new replica to follow") {
                cluster.replica(added, topic, 0)?.logEndOffset == 100 ? true : nil
            }
            #expect(leaderThrottle.throttledBytes == leaderBefore)
            #expect(followerThrottle.throttledBytes == followerBefore)
            #expect(try await Self.consume(client, topic, 0, count: 100) == Self.values(topic, 0, count: 100))
        }
    }

    @Test func aReplacementBrokerStartingEmptyCopiesEveryPartitionBack() async throws {
        try await LocalClusterFixture.run { cluster in
            let client = try cluster.client()
            defer { Task { await client.shutdown() } }
            let topic = "replaced"
            try await client.createTopic(topic, partitions: 3, replicationFactor: 3)
            try await Self.produce(client, topic, partitions: 3, count: 30)
            try await Self.waitForReplicas(cluster, topic, partitions: 3) { p in cluster.state(topic, p)?.replicas ?? [] }

            // Broker 2's machine is lost: it goes, and comes back under the same id with nothing.
            try await cluster.stop(2, wipe: true)
            try await BrokerFixture.waitFor("broker 2 out of every ISR") {
                (0..<3).allSatisfy { cluster.state(topic, $0)?.state.isr.contains(2) == false } ? true : nil
            }
            try await Self.produce(client, topic, partitions: 3, count: 20, from: 30)
            // Retention moved partition 0's start while broker 2 was away: it starts there.
            let p0Leader = try #require(cluster.state(topic, 0)?.state.leader)
            let p0 = try #require(cluster.replica(p0Leader, topic, 0))
            try await BrokerFixture.waitFor("partition 0's high watermark") { p0.highWatermark == 50 ? true : nil }
            _ = try p0.log.deleteRecords(before: 25)
            #expect(p0.logStartOffset == 25)

            try await cluster.start(2)
            for p: Int32 in 0..<3 {
                try await BrokerFixture.waitFor("broker 2 back in the ISR of \(topic)-\(p)", timeout: .seconds(30)) {
                    cluster.state(topic, p)?.state.isr.contains(2) == true ? true : nil
                }
                let leader = try #require(cluster.state(topic, p)?.state.leader)
                let copy = try #require(cluster.replica(2, topic, p))
                let original = try #require(cluster.replica(leader, topic, p))
                try await BrokerFixture.waitFor("broker 2's copy of \(topic)-\(p)") { copy.logEndOffset == 50 ? true : nil }
                #expect(copy.logStartOffset == original.logStartOffset)
                #expect(try LocalClusterFixture.logBytes(copy) == LocalClusterFixture.logBytes(original))
            }
            #expect(cluster.replica(2, topic, 0)?.logStartOffset == 25)
            for p: Int32 in 1..<3 {
                #expect(try await Self.consume(client, topic, p, count: 50) == Self.values(topic, p, count: 50))
            }
        }
    }
}

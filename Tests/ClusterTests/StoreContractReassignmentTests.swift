import Foundation
import KafkaProtocol
import Testing
import TestSupport
import ZooKeeperClient

@testable import Cluster

extension StoreContractTests {
    /// Reassignments in the topic's assignment (adding and removing replicas), on both backends.
    @Suite struct Reassignments {
        @Test(arguments: Backend.allCases)
        func aReassignmentIsStoredWithItsAddingAndRemovingReplicas(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let admin = try await sessions.open()
                let reader = try await sessions.open()
                var orders = try await admin.createTopic(topic("orders", [[1], [2, 3]]), configs: [:])
                let watch = reader.makeWatch()
                let changes = ChangeRecorder(watch)
                _ = try await reader.topic("orders", watch: watch)

                orders.reassign(partition: 0, to: [2, 3])
                orders.reassign(partition: 1, to: [3])
                let started = try await admin.updateTopicAssignment(orders)
                #expect(started.version == 1)
                #expect(await changes.take(.topic("orders")))
                let read = try #require(try await reader.topic("orders", watch: nil))
                #expect(read == started)
                #expect(read.partitions == [[2, 3, 1], [3, 2]])
                #expect(read.reassignment(of: 0) == PartitionReassignment(adding: [2, 3], removing: [1]))
                #expect(read.reassignment(of: 1) == PartitionReassignment(adding: [], removing: [2]))
                #expect(read.targetReplicas(of: 0) == [2, 3])
                #expect(read.originReplicas(of: 0) == [1])

                // Cancelling one and completing the other (the controller's fenced write).
                var next = read
                next.cancelReassignment(partition: 0)
                next.completeReassignment(partition: 1)
                let fence = try #require(try await admin.elect(brokerID: 1))
                let finished = try await admin.updateTopicAssignment(next, fence: fence)
                let after = try #require(try await reader.topic("orders", watch: nil))
                #expect(after == finished)
                #expect(after.partitions == [[1], [3]])
                #expect(after.reassignments.isEmpty)
            }
        }

        @Test(arguments: Backend.allCases)
        func aDeposedControllersAssignmentWriteIsRefused(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let old = try await sessions.open()
                let new = try await sessions.open()
                var logs = try await old.createTopic(topic("logs", [[1]]), configs: [:])
                let oldFence = try #require(try await old.elect(brokerID: 1))
                try await old.resign(oldFence)
                _ = try #require(try await new.elect(brokerID: 2))
                logs.reassign(partition: 0, to: [2])
                await expectFailure(.controllerMoved) { () async throws(ClusterError) in
                    try await old.updateTopicAssignment(logs, fence: oldFence)
                }
                #expect(try await new.topic("logs", watch: nil)?.partitions == [[1]])
                // Without a fence (an admin's write) only the version counts.
                let written = try await old.updateTopicAssignment(logs)
                #expect(written.partitions == [[2, 1]])
                var other = logs
                other.cancelReassignment(partition: 0)
                await expectFailure(.staleVersion) { () async throws(ClusterError) in try await new.updateTopicAssignment(other) }
            }
        }

        @Test(arguments: Backend.allCases)
        func inconsistentMovesAreRefusedBeforeWriting(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let store = try await sessions.open()
                let base = try await store.createTopic(topic("bad", [[1, 2]]), configs: [:])
                let wrong: [[Int32: PartitionReassignment]] = [
                    [0: PartitionReassignment(adding: [3])],  // not a replica
                    [0: PartitionReassignment(adding: [1], removing: [1])],  // both
                    [0: PartitionReassignment(removing: [1, 2])],  // nothing left
                    [4: PartitionReassignment(adding: [1])],  // no such partition
                ]
                for reassignments in wrong {
                    var bad = base
                    bad.reassignments = reassignments
                    await expectFailure(.invalid) { () async throws(ClusterError) in try await store.updateTopicAssignment(bad) }
                }
                #expect(try await store.topic("bad", watch: nil) == base)
            }
        }
    }
}

/// Kafka's JSON for a partition being reassigned, both ways, and the embedded file keeping it.
@Suite(.sharedZooKeeper) struct ReassignmentLayoutTests {
    @Test func theTopicZnodeHoldsAddingAndRemovingReplicasAsKafkaWritesThem() async throws {
        let server = try SharedZooKeeper.current()
        let root = "/moving-" + UUID().uuidString.prefix(8).lowercased()
        let store = try await ZooKeeperMetadataStore.connect(.init(connectString: server.address + root))
        let raw = try await ZooKeeperClient.connect(.init(connectString: server.address))
        defer { Task { await raw.close() } }

        var orders = try await store.createTopic(topic("orders", [[1, 2, 3], [2, 3, 1]]), configs: [:])
        orders.reassign(partition: 0, to: [4, 5, 6])
        _ = try await store.updateTopicAssignment(orders)
        let written = try JSONSerialization.jsonObject(with: Data(try await raw.getData(root + "/brokers/topics/orders").data))
        let json = try #require(written as? [String: Any])
        #expect(json["partitions"] as? [String: [Int]] == ["0": [4, 5, 6, 1, 2, 3], "1": [2, 3, 1]])
        #expect(json["adding_replicas"] as? [String: [Int]] == ["0": [4, 5, 6]])
        #expect(json["removing_replicas"] as? [String: [Int]] == ["0": [1, 2, 3]])

        // As Kafka 2.4+ writes a reassignment in progress.
        let kafkaTopic = #"{"version":3,"topic_id":"pHl2UAQoRYiAOhUYqU-SLQ","partitions":{"0":[4,1,2]},"adding_replicas":{"0":[4]},"removing_replicas":{"0":[2]}}"#
        try await raw.create(root + "/brokers/topics/clicks", data: Array(kafkaTopic.utf8))
        let clicks = try #require(try await store.topic("clicks", watch: nil))
        #expect(clicks.partitions == [[4, 1, 2]])
        #expect(clicks.reassignment(of: 0) == PartitionReassignment(adding: [4], removing: [2]))
        #expect(clicks.targetReplicas(of: 0) == [4, 1])
        #expect(clicks.originReplicas(of: 0) == [1, 2])

        // Moving replicas that are not replicas: named as unreadable, not trusted.
        let broken = #"{"version":3,"topic_id":"pHl2UAQoRYiAOhUYqU-SLQ","partitions":{"0":[1]},"adding_replicas":{"0":[9]},"removing_replicas":{}}"#
        try await raw.create(root + "/brokers/topics/broken", data: Array(broken.utf8))
        await expectFailure(.corrupt) { () async throws(ClusterError) in try await store.topic("broken", watch: nil) }
        await store.close()
    }

    @Test func aRestartedEmbeddedBackendKeepsReassignmentsInProgress() async throws {
        let directory = try TempDirectory.make(prefix: "petrel-embedded-moving-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try EmbeddedMetadataBackend(directory: directory).openSession()
        var orders = try await store.createTopic(topic("orders", [[1, 2]]), configs: [:])
        orders.reassign(partition: 0, to: [3])
        let moving = try await store.updateTopicAssignment(orders)
        let again = try EmbeddedMetadataBackend(directory: directory).openSession()
        #expect(try await again.topic("orders", watch: nil) == moving)
        #expect(moving.reassignment(of: 0) == PartitionReassignment(adding: [3], removing: [1, 2]))
    }
}

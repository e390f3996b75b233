import Foundation
import Testing
import TestSupport

@testable import Cluster

/// The embedded backend's file: a dev cluster restarted from its data dir finds its topics,
/// configs, partition states and controller epoch, but no sessions.
@Suite struct EmbeddedPersistenceTests {
    @Test func aRestartedBackendKeepsEverythingButTheSessions() async throws {
        let directory = try TempDirectory.make(prefix: "petrel-embedded-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try EmbeddedMetadataBackend(directory: directory)
        let store = first.openSession()
        let registered = try await store.registerBroker(broker(1))
        let clusterID = try await store.clusterID()
        let orders = try await store.createTopic(topic("orders", [[1, 2], [2, 1]]), configs: ["retention.ms": "9"])
        let fence = try #require(try await store.elect(brokerID: 1))
        let partition = tp("orders", 1)
        let written = try #require(try await store.writePartitionStates(
            [PartitionStateWrite(
                partition: partition,
                state: PartitionState(leader: 2, leaderEpoch: 3, isr: [2], leaderRecoveryState: .recovering, controllerEpoch: 0),
                expectedPartitionEpoch: -1)], fence: fence)[partition]?.get())
        let file = try #require(FileManager.default.contents(atPath: directory + "/" + EmbeddedMetadataBackend.fileName))
        #expect(String(decoding: file, as: UTF8.self).contains("\"topic_id\" : \"\(orders.topicID.base64)\""))

        // "Restart": a new backend from the same directory (the old one is simply dropped).
        let second = try EmbeddedMetadataBackend(directory: directory)
        let again = second.openSession()
        #expect(try await again.clusterID() == clusterID)
        #expect(try await again.topic("orders", watch: nil) == orders)
        #expect(try await again.topicConfigs("orders", watch: nil) == ["retention.ms": "9"])
        #expect(try await again.partitionState(partition, watch: nil) == written)
        #expect(try await again.partitionState(tp("orders", 0), watch: nil) == nil)
        #expect(try await again.liveBrokers(watch: nil).isEmpty, "registrations are ephemeral")
        #expect(try await again.controller(watch: nil) == nil)
        let reElected = try #require(try await again.elect(brokerID: 2))
        #expect(reElected.epoch == fence.epoch + 1, "the controller epoch keeps rising across restarts")
        let reRegistered = try await again.registerBroker(broker(1))
        #expect(reRegistered.epoch > registered.epoch, "broker epochs keep rising across restarts")
        await again.close()
        await store.close()
    }

    @Test func aFailedFileWriteChangesNothing() async throws {
        let directory = try TempDirectory.make(prefix: "petrel-embedded-")
        let backend = try EmbeddedMetadataBackend(directory: directory)
        let store = backend.openSession()
        _ = try await store.createTopic(topic("kept", [[1]]), configs: [:])
        // The data dir vanishes (a disk gone, say): the change fails and is not applied.
        try FileManager.default.removeItem(atPath: directory)
        await expectFailure(.storage) { () async throws(ClusterError) in try await store.createTopic(topic("lost", [[1]]), configs: [:]) }
        #expect(try await store.topicNames(watch: nil) == ["kept"])
        await store.close()
    }

    @Test func aCorruptFileIsAClearError() throws {
        let directory = try TempDirectory.make(prefix: "petrel-embedded-")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "{\"version\": 1, \"topics\": 7}".write(
            toFile: directory + "/" + EmbeddedMetadataBackend.fileName, atomically: true, encoding: .utf8)
        #expect {
            _ = try EmbeddedMetadataBackend(directory: directory)
        } throws: { error in
            (error as? ClusterError)?.reason == .corrupt && "\(error)".contains(EmbeddedMetadataBackend.fileName)
        }
    }
}

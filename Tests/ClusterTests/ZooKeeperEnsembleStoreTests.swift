import Testing
import TestSupport

@testable import Cluster

/// A store on a real 3-member ensemble whose member it is connected to dies: the session moves
/// to another member and everything keeps working, registration and watches included.
@Suite(.serialized) struct ZooKeeperEnsembleStoreTests {
    @Test func killingTheConnectedMemberKeepsTheSessionAndItsRegistration() async throws {
        let ensemble = try await ZooKeeperEnsemble.start(size: 3)
        defer { ensemble.stop() }
        let store = try await ZooKeeperMetadataStore.connect(.init(connectString: ensemble.connectString, sessionTimeout: .seconds(8)))
        let sessionID = store.sessionID
        let registered = try await store.registerBroker(broker(1))
        _ = try await store.createTopic(topic("survivor", [[1]]), configs: [:])
        let fence = try #require(try await store.elect(brokerID: 1))
        let partition = tp("survivor", 0)
        let created = try await store.writePartitionStates(
            [PartitionStateWrite(
                partition: partition, state: PartitionState(leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: fence.epoch),
                expectedPartitionEpoch: -1)], fence: fence)[partition]?.get()
        let watch = store.makeWatch()
        let changes = ChangeRecorder(watch)
        _ = try await store.topicConfigs("survivor", watch: watch)

        let connected = try #require(store.connectedServer)
        let victim = try #require(ensemble.member(at: connected))
        victim.kill9()

        // The next calls wait for the reconnect and succeed on the same session.
        var next = try #require(created)
        next.leaderEpoch = 1
        let written = try await store.writePartitionStates(
            [PartitionStateWrite(partition: partition, state: next, expectedPartitionEpoch: 0)], fence: fence)[partition]?.get()
        #expect(written?.partitionEpoch == 1)
        #expect(store.sessionID == sessionID)
        #expect(store.isSessionAlive)
        #expect(store.connectedServer != victim.address)
        #expect(try await store.liveBrokers(watch: nil) == [registered])
        #expect(try await store.controller(watch: nil)?.brokerID == 1)

        // A change made through another session fires the watch set before the kill.
        let survivors = ensemble.members.filter { $0 !== victim }.map(\.address).joined(separator: ",")
        let other = try await ZooKeeperMetadataStore.connect(.init(connectString: survivors))
        try await other.setTopicConfigs("survivor", ["retention.ms": "1"])
        #expect(await changes.take(.topicConfig("survivor")))
        #expect(try await other.liveBrokers(watch: nil).map(\.id) == [1])
        await other.close()
        await store.close()
    }
}

import Foundation
import LogStorage
import Testing

@testable import Cluster

/// The follower keeps a broker's image of the cluster current, on both backends.
@Suite(.sharedZooKeeper) struct MetadataFollowerTests {
    @Test(arguments: Backend.allCases)
    func theImageFollowsEveryKindOfChange(_ backend: Backend) async throws {
        try await withCluster(backend) { sessions in
            let writer = try await sessions.open()
            _ = try await writer.registerBroker(broker(1))
            _ = try await writer.createTopic(topic("before", [[1]]), configs: ["a": "1"])
            let follower = MetadataFollower(store: try await sessions.open())
            try await follower.start()
            let (initial, updates) = await follower.subscribe()
            #expect(initial.brokers.keys.sorted() == [1])
            #expect(initial.topics["before"]?.partitions == [[1]])
            #expect(initial.configs["before"] == ["a": "1"])
            let received = UpdateRecorder(updates)

            let other = try await sessions.open()
            _ = try await other.registerBroker(broker(2))
            let fence = try #require(try await writer.elect(brokerID: 1))
            let created = try await writer.createTopic(topic("after", [[1, 2], [2, 1]]), configs: [:])
            let states = Dictionary(uniqueKeysWithValues: created.topicPartitions.map {
                ($0, PartitionState(leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: fence.epoch))
            })
            _ = await writer.writePartitionStates(
                states.map { PartitionStateWrite(partition: $0.key, state: $0.value, expectedPartitionEpoch: -1) }, fence: fence)
            try await writer.setTopicConfigs("after", ["retention.ms": "5"])
            var grown = created
            grown.partitions.append([2])
            _ = try await writer.updateTopicAssignment(grown)
            try await writer.deleteTopic("before")

            let image = try #require(await eventually { () -> MetadataImage? in
                let image = await follower.image
                let done = image.brokers.count == 2 && image.controller?.brokerID == 1 && image.topics["before"] == nil
                    && image.topics["after"]?.partitionCount == 3 && image.configs["after"] == ["retention.ms": "5"]
                    && image.partitions[tp("after", 1)]?.leader == 1
                return done ? image : nil
            })
            #expect(image.partitions[tp("after", 2)] == nil, "a new partition has no state until the controller writes one")
            #expect(image.partitions[tp("before", 0)] == nil)
            #expect(image.topic(id: created.topicID)?.name == "after")
            #expect(await eventually { received.deltas.contains(.topicDeleted("before")) ? true : nil } == true)
            #expect(received.deltas.contains(.controller(ControllerRegistration(brokerID: 1, epoch: fence.epoch, timestamp: image.controller?.timestamp ?? 0))))

            // A state written later for the new partition reaches the image too.
            _ = await writer.writePartitionStates(
                [PartitionStateWrite(
                    partition: tp("after", 2), state: PartitionState(leader: 2, leaderEpoch: 0, isr: [2], controllerEpoch: fence.epoch),
                    expectedPartitionEpoch: -1)], fence: fence)
            #expect(await eventually { await follower.image.partitions[tp("after", 2)]?.leader == 2 ? true : nil } == true)

            // The session's end stops the follower and finishes its subscribers.
            await follower.store.close()
            #expect(await eventually { received.finished ? true : nil } == true)
        }
    }
}

/// Collects a follower subscription's updates in the background.
final class UpdateRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [MetadataDelta] = []
    private var ended = false

    init(_ updates: AsyncStream<MetadataUpdate>) {
        Task {
            for await update in updates { self.lock.withLock { self.collected += update.deltas } }
            self.lock.withLock { self.ended = true }
        }
    }

    var deltas: [MetadataDelta] { lock.withLock { collected } }
    var finished: Bool { lock.withLock { ended } }
}

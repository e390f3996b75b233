import Testing

@testable import Cluster

extension StoreContractTests {
    @Suite struct ChangeFeed {
        /// Every kind of change reaches a watch that read that part, once per read; reading again
        /// re-arms it.
        @Test(arguments: Backend.allCases)
        func eachChangeReachesTheWatchesOfWhatWasRead(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let writer = try await sessions.open()
                let reader = try await sessions.open()
                let watch = reader.makeWatch()
                let changes = ChangeRecorder(watch)
                let partition = tp("feed", 0)

                #expect(try await reader.liveBrokers(watch: watch).isEmpty)
                #expect(try await reader.topicNames(watch: watch).isEmpty)
                #expect(try await reader.topic("feed", watch: watch) == nil)
                #expect(try await reader.topicConfigs("feed", watch: watch).isEmpty)
                #expect(try await reader.controller(watch: watch) == nil)

                _ = try await writer.registerBroker(broker(1))
                #expect(await changes.take(.brokers))
                _ = try await writer.createTopic(topic("feed", [[1]]), configs: ["a": "1"])
                #expect(await changes.take(.topics))
                #expect(await changes.take(.topic("feed")))
                #expect(await changes.take(.topicConfig("feed")))
                let fence = try #require(try await writer.elect(brokerID: 1))
                #expect(await changes.take(.controller))

                // States: watched before they exist, fired at creation and at each change.
                #expect(try await reader.partitionState(partition, watch: watch) == nil)
                let state = PartitionState(leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: fence.epoch)
                _ = await writer.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: state, expectedPartitionEpoch: -1)], fence: fence)
                #expect(await changes.take(.partitionState(partition)))
                _ = try await reader.partitionState(partition, watch: watch)
                var next = state
                next.leaderEpoch = 1
                _ = await writer.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: next, expectedPartitionEpoch: 0)], fence: fence)
                #expect(await changes.take(.partitionState(partition)))

                // One-shot: without a new read, a second change is not delivered...
                _ = await writer.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: state, expectedPartitionEpoch: 1)], fence: fence)
                try await writer.setTopicConfigs("feed", ["a": "2"])
                _ = try await reader.topicConfigs("feed", watch: watch)
                try await writer.setTopicConfigs("feed", ["a": "3"])
                #expect(await changes.take(.topicConfig("feed")))
                #expect(!changes.recorded.contains(.partitionState(partition)))

                // ...and deleting a topic fires everything read about it.
                _ = try await reader.topicNames(watch: watch)
                _ = try await reader.topic("feed", watch: watch)
                _ = try await reader.topicConfigs("feed", watch: watch)
                _ = try await reader.partitionState(partition, watch: watch)
                try await writer.deleteTopic("feed")
                for change in [MetadataChange.topics, .topic("feed"), .topicConfig("feed"), .partitionState(partition)] {
                    #expect(await changes.take(change), "\(change)")
                }

                // The writer's session ending removes its registration and controllership.
                _ = try await reader.liveBrokers(watch: watch)
                _ = try await reader.controller(watch: watch)
                await writer.close()
                #expect(await changes.take(.brokers))
                #expect(await changes.take(.controller))
                await reader.close()
                #expect(await poll(upTo: 10) { changes.isEnded }, "a watch ends with its session")
            }
        }
    }
}

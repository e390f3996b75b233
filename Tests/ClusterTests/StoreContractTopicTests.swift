import KafkaProtocol
import Testing

@testable import Cluster

extension StoreContractTests {
    @Suite struct Topics {
        @Test(arguments: Backend.allCases)
        func aTopicIsCreatedAndDeletedWholeWithItsConfigsAndStates(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let store = try await sessions.open()
                let orders = topic("orders", [[1, 2], [2, 3], [3, 1]])
                let created = try await store.createTopic(orders, configs: ["retention.ms": "1000", "cleanup.policy": "compact"])
                #expect(created.version == 0)
                #expect(try await store.topic("orders", watch: nil) == created)
                #expect(try await store.topicNames(watch: nil) == ["orders"])
                #expect(try await store.topicConfigs("orders", watch: nil) == ["retention.ms": "1000", "cleanup.policy": "compact"])
                await expectFailure(.alreadyExists) { () async throws(ClusterError) in
                    try await store.createTopic(topic("orders", [[1]]), configs: [:])
                }

                let fence = try #require(try await store.elect(brokerID: 1))
                let writes = orders.topicPartitions.map {
                    PartitionStateWrite(
                        partition: $0, state: PartitionState(leader: 1, leaderEpoch: 0, isr: [1], controllerEpoch: fence.epoch),
                        expectedPartitionEpoch: -1)
                }
                let results = await store.writePartitionStates(writes, fence: fence)
                #expect(results.values.allSatisfy { (try? $0.get())?.partitionEpoch == 0 })
                #expect(try await store.partitionStates(orders.topicPartitions, watch: nil).count == 3)

                try await store.deleteTopic("orders")
                #expect(try await store.topic("orders", watch: nil) == nil)
                #expect(try await store.topicNames(watch: nil).isEmpty)
                #expect(try await store.topicConfigs("orders", watch: nil).isEmpty)
                #expect(try await store.partitionStates(orders.topicPartitions, watch: nil).isEmpty)
                await expectFailure(.notFound) { () async throws(ClusterError) in try await store.deleteTopic("orders") }

                // Same name, new topic: a new id, no states left over.
                let again = try await store.createTopic(topic("orders", [[2]]), configs: [:])
                #expect(again.topicID != orders.topicID)
                #expect(try await store.partitionState(tp("orders", 0), watch: nil) == nil)
                #expect(try await store.topicConfigs("orders", watch: nil).isEmpty)
            }
        }

        @Test(arguments: Backend.allCases)
        func badAssignmentsAreRefusedBeforeWriting(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let store = try await sessions.open()
                await expectFailure(.invalid) { () async throws(ClusterError) in try await store.createTopic(topic("none", []), configs: [:]) }
                await expectFailure(.invalid) { () async throws(ClusterError) in
                    try await store.createTopic(topic("twice", [[1, 1]]), configs: [:])
                }
                await expectFailure(.invalid) { () async throws(ClusterError) in
                    try await store.createTopic(topic("empty", [[1], []]), configs: [:])
                }
                for name in ["a/b", "", "..", "white space", String(repeating: "x", count: 250)] {
                    do throws(ClusterError) {
                        _ = try await store.createTopic(topic(name, [[1]]), configs: [:])
                        Issue.record("the name \(name) must be refused")
                    } catch {
                        #expect(error.code == .invalidTopicException)
                    }
                }
                #expect(try await store.topicNames(watch: nil).isEmpty)
            }
        }

        @Test(arguments: Backend.allCases)
        func anAssignmentChangesOnlyFromTheVersionRead(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let store = try await sessions.open()
                var events = try await store.createTopic(topic("events", [[1]]), configs: [:])
                events.partitions.append([2])
                let grown = try await store.updateTopicAssignment(events)
                #expect(grown.version == 1)
                #expect(try await store.topic("events", watch: nil)?.partitions == [[1], [2]])
                // Written from the old version: refused.
                events.partitions.append([3])
                await expectFailure(.staleVersion) { () async throws(ClusterError) in try await store.updateTopicAssignment(events) }
                #expect(try await store.topic("events", watch: nil)?.partitionCount == 2)
                await expectFailure(.notFound) { () async throws(ClusterError) in
                    try await store.updateTopicAssignment(topic("nothing", [[1]]))
                }
            }
        }

        @Test(arguments: Backend.allCases)
        func configsAreReplacedWholeAndOnlyForExistingTopics(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let store = try await sessions.open()
                let other = try await sessions.open()
                _ = try await store.createTopic(topic("logs", [[1]]), configs: [:])
                #expect(try await other.topicConfigs("logs", watch: nil).isEmpty)
                try await store.setTopicConfigs("logs", ["unclean.leader.election.enable": "true", "retention.ms": "5"])
                #expect(try await other.topicConfigs("logs", watch: nil) == ["unclean.leader.election.enable": "true", "retention.ms": "5"])
                try await store.setTopicConfigs("logs", ["retention.ms": "6"])
                #expect(try await other.topicConfigs("logs", watch: nil) == ["retention.ms": "6"])
                await expectFailure(.notFound) { () async throws(ClusterError) in try await store.setTopicConfigs("ghost", ["a": "b"]) }
                #expect(try await other.topicConfigs("ghost", watch: nil).isEmpty)
            }
        }
    }
}

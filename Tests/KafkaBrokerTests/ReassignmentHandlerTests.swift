import Cluster
import KafkaProtocol
import LogStorage
import Testing

@testable import KafkaBroker

/// AlterPartitionReassignments, ListPartitionReassignments and ElectLeaders on one broker:
/// Kafka's error codes and answer shapes (the multi-broker moves are in ReassignmentClusterTests).
@Suite struct ReassignmentHandlerTests {
    static func alter(_ f: BrokerFixture, _ topics: [AlterPartitionReassignmentsRequest.ReassignableTopic]) async
        -> AlterPartitionReassignmentsResponse
    {
        await AlterPartitionReassignmentsHandler(topics: f.topics).handle(
            AlterPartitionReassignmentsRequest(topics: topics), context: f.context(.alterPartitionReassignments, version: 0))
    }

    static func list(_ f: BrokerFixture, _ topics: [ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics]?) async throws
        -> ListPartitionReassignmentsResponse
    {
        try #require(try await f.response(
            ListPartitionReassignmentsHandler(topics: f.topics), ListPartitionReassignmentsRequest(topics: topics), version: 0))
    }

    static func elect(_ f: BrokerFixture, type: Int8, _ partitions: [ElectLeadersRequest.TopicPartitions]?, version: Int16 = 2) async
        -> ElectLeadersResponse
    {
        await ElectLeadersHandler(topics: f.topics).handle(
            ElectLeadersRequest(electionType: type, topicPartitions: partitions, timeoutMs: 5000),
            context: f.context(.electLeaders, version: version))
    }

    static func codes(_ response: AlterPartitionReassignmentsResponse) -> [String: [Int32: ErrorCode]] {
        var out: [String: [Int32: ErrorCode]] = [:]
        for topic in response.responses {
            for p in topic.partitions { out[topic.name, default: [:]][p.partitionIndex] = ErrorCode(p.errorCode) }
        }
        return out
    }

    @Test func reassignmentsAreRefusedAsKafkaRefusesThem() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 2)
        let response = await Self.alter(f, [
            .init(name: "t", partitions: [
                .init(partitionIndex: 0, replicas: nil), .init(partitionIndex: 1, replicas: [2]), .init(partitionIndex: 9, replicas: [1]),
            ]),
            .init(name: "ghost", partitions: [.init(partitionIndex: 0, replicas: [1])]),
        ])
        #expect(response.errorCode == 0)
        #expect(Self.codes(response) == [
            "t": [0: .noReassignmentInProgress, 1: .invalidReplicaAssignment, 9: .unknownTopicOrPartition],
            "ghost": [0: .unknownTopicOrPartition],
        ])
        let deadBroker = response.responses.first?.partitions.first(where: { $0.partitionIndex == 1 })
        let message: String = deadBroker?.errorMessage ?? ""
        #expect(message.contains("not alive"))
        for replicas: [Int32] in [[], [1, 1], [-1]] {
            let refused = await Self.alter(f, [.init(name: "t", partitions: [.init(partitionIndex: 0, replicas: replicas)])])
            #expect(Self.codes(refused) == ["t": [0: .invalidReplicaAssignment]], "replicas \(replicas)")
        }
        // Its own replicas again: accepted, nothing moves.
        let same = await Self.alter(f, [.init(name: "t", partitions: [.init(partitionIndex: 0, replicas: [1])])])
        #expect(Self.codes(same) == ["t": [0: .none]])
        #expect(f.topics.cache.topic(named: "t")?.version == 0)
    }

    @Test func ongoingReassignmentsAreListedAndCancelled() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 2)
        #expect(try await Self.list(f, nil).topics.isEmpty)

        // A move to broker 2, which is not running (written straight to the store, as another
        // broker could have accepted it while 2 was up): it stays in progress.
        let store = try await f.topics.metadataStore()
        var moving = try #require(try await store.topic("t", watch: nil))
        moving.reassign(partition: 0, to: [1, 2])
        _ = try await store.updateTopicAssignment(moving)
        let topics = f.topics
        try await BrokerFixture.waitFor("the move in the metadata") { topics.cache.topic(named: "t")?.isBeingReassigned(0) == true ? true : nil }

        let all = try await Self.list(f, nil)
        #expect(all.errorCode == 0)
        #expect(all.topics.map(\.name) == ["t"])
        let entry = try #require(all.topics.first?.partitions.first)
        #expect(all.topics.first?.partitions.count == 1)
        #expect(entry.partitionIndex == 0)
        #expect(entry.replicas == [1, 2])
        #expect(entry.addingReplicas == [2])
        #expect(entry.removingReplicas.isEmpty)
        #expect(try await Self.list(f, [.init(name: "t", partitionIndexes: [1]), .init(name: "ghost", partitionIndexes: [0])]).topics.isEmpty)
        #expect(try await Self.list(f, [.init(name: "t", partitionIndexes: [0, 1])]).topics.first?.partitions.map(\.partitionIndex) == [0])

        let cancelled = await Self.alter(f, [.init(name: "t", partitions: [.init(partitionIndex: 0, replicas: nil)])])
        #expect(Self.codes(cancelled) == ["t": [0: .none]])
        #expect(try await Self.list(f, nil).topics.isEmpty, "the answer waits until this broker's metadata shows the change")
        #expect(f.topics.cache.topic(named: "t")?.partitions == [[1], [1]])
    }

    @Test func electionsThatAreNotNeededOrImpossible() async throws {
        let f = try await BrokerFixture.make()
        try await f.createTopic(name: "t", partitions: 2)
        let partitions: [ElectLeadersRequest.TopicPartitions] = [.init(topic: "t", partitions: [0, 7])]
        for (type, version) in [(Int8(0), Int16(0)), (0, 2), (1, 1)] {
            let response = await Self.elect(f, type: type, partitions, version: version)
            #expect(response.errorCode == 0)
            let results = response.replicaElectionResults.first?.partitionResult.map { ($0.partitionId, ErrorCode($0.errorCode)) }
            #expect(results?.map(\.0) == [0, 7])
            #expect(results?.map(\.1) == [.electionNotNeeded, .unknownTopicOrPartition], "type \(type) v\(version)")
        }
        // Every partition: those that needed no election are left out.
        let all = await Self.elect(f, type: 0, nil)
        #expect(all.errorCode == 0)
        #expect(all.replicaElectionResults.isEmpty)
        let bad = await Self.elect(f, type: 9, partitions, version: 1)
        #expect(ErrorCode(bad.errorCode) == .invalidRequest)
        #expect(bad.replicaElectionResults.first?.partitionResult.allSatisfy { ErrorCode($0.errorCode) == .invalidRequest } == true)
    }

    @Test func theAPIsAreAdvertised() async throws {
        let f = try await BrokerFixture.make()
        var registry = ApiRegistry()
        f.services.registerCoreHandlers(in: &registry)
        let versions = Dictionary(uniqueKeysWithValues: registry.supportedVersions.map { ($0.key, $0.range) })
        #expect(versions[ApiKey.electLeaders.rawValue] == 0...2)
        #expect(versions[ApiKey.alterPartitionReassignments.rawValue] == 0...0)
        #expect(versions[ApiKey.listPartitionReassignments.rawValue] == 0...0)
    }
}

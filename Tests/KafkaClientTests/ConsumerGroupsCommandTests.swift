import Foundation
import KafkaClient
import KafkaProtocol
import NIOCore
import Testing
import TestSupport

/// `petrel consumer-groups` and `consumer-groups:info` against a real petrel broker: a group
/// with committed offsets and a member that owns partitions through JoinGroup/SyncGroup.
@Suite(
    .serialized,
    .enabled(if: PetrelCLI.path != nil, "needs the petrel binary (swift build --product petrel)"),
    .enabled(if: FileManager.default.isExecutableFile(atPath: BrokerProcess.binary), "needs the petrel binary"))
struct ConsumerGroupsCommandTests {
    /// A broker whose groups form at once (no initial rebalance delay).
    static func withBroker<T>(_ body: (BrokerProcess, KafkaClient) async throws -> T) async throws -> T {
        let broker = try BrokerProcess(extraArguments: ["--set", "group.initial.rebalance.delay.ms=0"])
        try broker.start()
        let client = try KafkaClient(bootstrap: broker.bootstrap, clientId: "groups-cli-test")
        do {
            let result = try await body(broker, client)
            await client.shutdown()
            broker.stop()
            return result
        } catch {
            await client.shutdown()
            broker.stop()
            throw error
        }
    }

    static func commit(_ client: KafkaClient, group: String, topic: String, _ offsets: [Int32: Int64], generation: Int32 = -1, member: String = "") async throws {
        let connection = try await client.groupCoordinator(group)
        let response = try await connection.send(OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: member,
            topics: [.init(name: topic, partitions: offsets.map {
                .init(partitionIndex: $0.key, committedOffset: $0.value, committedMetadata: "m")
            })]))
        #expect(response.topics.flatMap { $0.partitions.map(\.errorCode) }.allSatisfy { $0 == 0 })
    }

    @Test func listAndInfoShowStateMembersLagAndOwners() async throws {
        try await Self.withBroker { broker, client in
            let topic = "orders"
            try await client.createTopic(topic, partitions: 3, replicationFactor: 1)
            for partition in Int32(0)..<3 {
                try await client.produce(
                    topic: topic, partition: partition,
                    records: (0..<10).map { ProducerRecord(key: nil, value: ByteBuffer(string: "m\($0)")) })
            }
            // An offsets-only group: committed 4 and 10 of 10 on partitions 0 and 1.
            try await Self.commit(client, group: "billing", topic: topic, [0: 4, 1: 10])

            // A classic group with one member owning partitions 0 and 2.
            let coordinator = try await client.groupCoordinator("shipping")
            let protocols = [JoinGroupRequest.JoinGroupRequestProtocol(
                name: "range", metadata: ConsumerProtocolCodec.encodeSubscription([topic]))]
            var join = JoinGroupRequest(
                groupId: "shipping", sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId: "",
                protocolType: "consumer", protocols: protocols)
            let first = try await coordinator.send(join)
            #expect(ErrorCode(first.errorCode) == .memberIdRequired)
            join.memberId = first.memberId
            let joined = try await coordinator.send(join)
            #expect(joined.errorCode == 0 && joined.leader == first.memberId)
            let synced = try await coordinator.send(SyncGroupRequest(
                groupId: "shipping", generationId: joined.generationId, memberId: first.memberId,
                assignments: [.init(memberId: first.memberId, assignment: ConsumerProtocolCodec.encodeAssignment([topic: [0, 2]]))]))
            #expect(synced.errorCode == 0)
            try await Self.commit(client, group: "shipping", topic: topic, [0: 7], generation: joined.generationId, member: first.memberId)

            let bootstrap = ["--bootstrap", broker.bootstrap]
            let list = try await PetrelCLI.run(["consumer-groups"] + bootstrap)
            #expect(list.status == 0)
            let rows = list.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(rows.first == ["GROUP", "STATE", "MEMBERS", "LAG"])
            #expect(rows.contains(["billing", "Empty", "0", "6"]))
            // Partition 0 lags 3; partition 2 is owned but has no commit, so it has no lag yet.
            #expect(rows.contains(["shipping", "Stable", "1", "3"]))

            let info = try await PetrelCLI.run(["consumer-groups:info", "shipping"] + bootstrap)
            #expect(info.status == 0)
            let lines = info.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains("State:      Stable"))
            #expect(lines.contains("Protocol:   classic (range)"))
            #expect(lines.contains("Members:    1"))
            #expect(lines.contains("Total lag:  3"))
            let table = lines.drop { !$0.hasPrefix("TOPIC") }.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(table.first == ["TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "OWNER"])
            #expect(table.dropFirst().map { Array($0.prefix(5)) } == [["orders", "0", "7", "10", "3"], ["orders", "2", "-", "10", "-"]])
            #expect(table.dropFirst().allSatisfy { $0.count > 5 && $0[5] == "groups-cli-test" })
        }
    }

    @Test func unknownGroupAndEmptyIdAreOneSentence() async throws {
        try await Self.withBroker { broker, _ in
            let missing = try await PetrelCLI.run(["consumer-groups:info", "nobody", "--bootstrap", broker.bootstrap])
            expectOneSentence(missing, "Consumer group 'nobody' does not exist; list groups with `petrel consumer-groups`.")
            let empty = try await PetrelCLI.run(["consumer-groups:info", "", "--bootstrap", broker.bootstrap])
            expectOneSentence(empty, "The group id is empty; pass one like `petrel consumer-groups:info my-group`.")
            let none = try await PetrelCLI.run(["consumer-groups", "--bootstrap", broker.bootstrap])
            #expect(none.status == 0)
            #expect(none.stdout == "No consumer groups yet; a consumer that subscribes with a group.id creates one.\n")
        }
    }
}

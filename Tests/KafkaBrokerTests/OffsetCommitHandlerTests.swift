import KafkaProtocol
import Testing

@testable import KafkaBroker

@Suite struct OffsetCommitHandlerTests {
    typealias Shard = GroupCoordinatorShardTests

    static func answers(_ response: OffsetCommitResponse) -> [String] {
        response.topics.flatMap { t in t.partitions.map { "\(t.name)-\($0.partitionIndex):\($0.errorCode)" } }
    }

    @Test func unknownTopicsAndPartitionsAreAnsweredInRequestOrder() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        try await fixture.createTopic(name: "t", partitions: 2)
        let request = Shard.commit("g", [("t", 0, 1), ("missing", 0, 2), ("t", 7, 3), ("t", 1, 4)])
        let response = await fixture.offsetCommit.response(to: request, version: 8)
        #expect(Self.answers(response) == ["t-0:0", "t-7:3", "t-1:0", "missing-0:3"])
        #expect(fixture.fetch("g", [("t", [0, 1, 7]), ("missing", [0])]) == ["t-0": 1, "t-1": 4, "t-7": -1, "missing-0": -1])
    }

    @Test func onlyUnknownTopicsNeverReachTheCoordinator() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        // Generation 5 for a group that does not exist would be ILLEGAL_GENERATION, but no
        // partition is known, so only UNKNOWN_TOPIC_OR_PARTITION comes back, as in Kafka.
        let response = await fixture.offsetCommit.response(to: Shard.commit("g", generation: 5, member: "m", [("nope", 0, 1)]), version: 5)
        #expect(Self.answers(response) == ["nope-0:3"])
    }

    /// test_offset_commit_with_wrong_generation_or_member_is_rejected, minus the joined member
    /// (JoinGroup arrives with issue 3): nothing may be stored.
    @Test func wrongGenerationOrMemberIsRejected() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        try await fixture.createTopic(name: "t", partitions: 1)
        for version in Int16(1)...7 {
            let neverExisted = await fixture.offsetCommit.response(to: Shard.commit("never", generation: 5, member: "m", [("t", 0, 3)]), version: version)
            #expect(Self.answers(neverExisted) == ["t-0:22"], "v\(version)")
        }
        #expect(fixture.fetch("never", [("t", [0])]) == ["t-0": -1])
        // A simple group exists once something committed outside group management.
        #expect(Self.answers(await fixture.offsetCommit.response(to: Shard.commit("g", [("t", 0, 1)]), version: 7)) == ["t-0:0"])
        let wrong = await fixture.offsetCommit.response(to: Shard.commit("g", generation: 987_654, member: "no-such-member", [("t", 0, 9)]), version: 7)
        #expect(Self.answers(wrong) == ["t-0:25"])
        #expect(fixture.fetch("g", [("t", [0])]) == ["t-0": 1])
    }

    @Test func everyVersionCommits() async throws {
        let fixture = try await GroupCoordinatorFixture.make()
        try await fixture.createTopic(name: "t", partitions: 1)
        for version in Int16(0)...9 {
            let response = await fixture.offsetCommit.response(to: Shard.commit("g\(version)", [("t", 0, Int64(version) + 100)]), version: version)
            #expect(Self.answers(response) == ["t-0:0"], "v\(version)")
            #expect(fixture.fetch("g\(version)", [("t", [0])]) == ["t-0": Int64(version) + 100])
        }
    }

    @Test func mergePutsMissingCoordinatorAnswersAsServerErrors() {
        let request = Shard.commit("g", [("a", 0, 1), ("a", 1, 1), ("b", 0, 1)])
        let committed = OffsetCommitResponse(topics: [.init(name: "a", partitions: [.init(partitionIndex: 0, errorCode: 0)])])
        let merged = OffsetCommitHandler.merge(request: request, exists: [[true, true], [false]], committed: committed)
        #expect(Self.answers(merged) == ["a-0:0", "a-1:-1", "b-0:3"])
    }
}

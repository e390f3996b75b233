import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

@Suite struct OffsetFetchHandlerTests {
    typealias Shard = GroupCoordinatorShardTests

    static func committed(_ fixture: GroupCoordinatorFixture) async throws -> GroupCoordinatorFixture {
        try await fixture.createTopic(name: "t", partitions: 2)
        let request = Shard.commit("g", [("t", 0, 10), ("t", 1, 11)], metadata: "md", epoch: 6)
        #expect(Shard.codes(await fixture.offsetCommit.response(to: request, version: 8)) == [0, 0])
        return fixture
    }

    @Test func singleGroupVersionsCarryEpochFromVersionFive() async throws {
        let fixture = try await Self.committed(try await GroupCoordinatorFixture.make())
        let request = OffsetFetchRequest(groupId: "g", topics: [.init(name: "t", partitionIndexes: [1, 0, 5])])
        for version in Int16(0)...7 {
            var writer = MessageWriter(buffer: ByteBuffer())
            fixture.offsetFetch.response(to: request, version: version).encode(to: &writer, version: version)
            // Decoding the bytes a client would get shows what the version can carry.
            var bytes = writer.buffer
            let decoded = try OffsetFetchResponse(from: &bytes, version: version)
            let partitions = try #require(decoded.topics.first?.partitions)
            #expect(partitions.map(\.committedOffset) == [11, 10, -1], "v\(version)")
            #expect(partitions.map(\.metadata) == ["md", "md", ""], "v\(version)")
            #expect(partitions.map(\.committedLeaderEpoch) == (version >= 5 ? [6, 6, -1] : [-1, -1, -1]), "v\(version)")
            #expect(decoded.errorCode == 0)
        }
    }

    @Test func nullTopicsReturnEverythingCommitted() async throws {
        let fixture = try await Self.committed(try await GroupCoordinatorFixture.make())
        #expect(fixture.fetch("g", nil, version: 2) == ["t-0": 10, "t-1": 11])
        #expect(fixture.fetch("unknown", nil, version: 7).isEmpty)
    }

    @Test func multiGroupFetchFromVersionEight() async throws {
        let fixture = try await Self.committed(try await GroupCoordinatorFixture.make())
        let request = OffsetFetchRequest(groups: [
            .init(groupId: "g", topics: nil),
            .init(groupId: "empty", memberId: "m", memberEpoch: 3, topics: [.init(name: "t", partitionIndexes: [0])]),
        ], requireStable: true)
        let response = fixture.offsetFetch.response(to: request, version: 9)
        #expect(response.groups.map(\.groupId) == ["g", "empty"])
        #expect(response.groups.map(\.errorCode) == [0, 0])
        #expect(response.groups[0].topics.first?.partitions.map(\.committedOffset) == [10, 11])
        #expect(response.groups[1].topics.first?.partitions.map(\.committedOffset) == [-1])
    }
}

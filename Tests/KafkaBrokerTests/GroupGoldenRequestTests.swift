import Foundation
import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// librdkafka's captured FindCoordinator v2, OffsetCommit v9 and OffsetFetch v6 (a commit
/// without joining, as the restart test makes it) through the handlers, with the responses
/// encoded at the client's version and decoded back.
@Suite struct GroupGoldenRequestTests {
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KafkaProtocolTests/Golden")

    /// The request body of a captured frame: the header is api key, version, correlation id,
    /// client id, and a tagged-field byte for flexible versions.
    static func request<R: KafkaRequest>(_ file: String, as type: R.Type, version: Int16, flexibleHeader: Bool) throws -> R {
        let data = try Data(contentsOf: goldenDir.appendingPathComponent(file))
        var buffer = ByteBuffer(bytes: data)
        #expect(buffer.readInteger(as: Int16.self) == R.apiKey)
        #expect(buffer.readInteger(as: Int16.self) == version)
        _ = buffer.readInteger(as: Int32.self)
        _ = try buffer.readKafkaNullableString(flexible: false)
        if flexibleHeader { try buffer.readKafkaTaggedFields { _, _ in } }
        let decoded = try R(from: &buffer, version: version)
        #expect(buffer.readableBytes == 0)
        return decoded
    }

    static func roundTrip<R: KafkaResponse>(_ response: R, version: Int16) throws -> R {
        var writer = MessageWriter(buffer: ByteBuffer())
        response.encode(to: &writer, version: version)
        var bytes = writer.buffer
        let decoded = try R(from: &bytes, version: version)
        #expect(bytes.readableBytes == 0)
        return decoded
    }

    @Test func librdkafkaCommitWithoutJoiningThenFetch() async throws {
        let identity = BrokerIdentity(nodeId: 1, host: "127.0.0.1", port: 43643)
        let fixture = try await GroupCoordinatorFixture.make(identity: identity)
        try await fixture.createTopic(name: "golden", partitions: 1)
        let find = try Self.request("librdkafka-FindCoordinator-v2-request.bin", as: FindCoordinatorRequest.self, version: 2, flexibleHeader: false)
        let coordinator = try Self.roundTrip(fixture.findCoordinator().response(to: find, version: 2), version: 2)
        #expect(coordinator.errorCode == 0 && coordinator.errorMessage == nil)
        #expect(coordinator.nodeId == 1 && coordinator.host == "127.0.0.1" && coordinator.port == 43643)

        let commit = try Self.request("librdkafka-OffsetCommit-v9-request.bin", as: OffsetCommitRequest.self, version: 9, flexibleHeader: true)
        #expect(commit.groupId == "golden-group" && commit.generationIdOrMemberEpoch == -1 && commit.memberId.isEmpty)
        let committed = try Self.roundTrip(await fixture.offsetCommit.response(to: commit, version: 9), version: 9)
        #expect(committed.topics.map(\.name) == ["golden"])
        #expect(committed.topics.first?.partitions.map(\.errorCode) == [0])

        try await fixture.restart(clean: false)
        let fetch = try Self.request("librdkafka-OffsetFetch-v6-request.bin", as: OffsetFetchRequest.self, version: 6, flexibleHeader: true)
        let fetched = try Self.roundTrip(fixture.offsetFetch.response(to: fetch, version: 6), version: 6)
        #expect(fetched.errorCode == 0)
        let partition = try #require(fetched.topics.first?.partitions.first)
        let sent = try #require(commit.topics.first?.partitions.first)
        #expect(partition.committedOffset == sent.committedOffset)
        #expect(partition.committedLeaderEpoch == sent.committedLeaderEpoch)
        #expect(partition.metadata == (sent.committedMetadata ?? ""))
    }
}

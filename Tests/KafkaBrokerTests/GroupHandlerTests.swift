import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// Version-specific handling in the group handlers.
@Suite struct GroupHandlerTests {
    @Test func leaveGroupBeforeV3ReportsTheMemberErrorAtTheTop() async throws {
        let fixture = try await GroupCoordinatorRuntimeTests.fixture()
        let handler = LeaveGroupHandler(groups: fixture.coordinator)
        let old = handler.response(to: LeaveGroupRequest(groupId: "g", memberId: "nobody"), version: 2)
        #expect(ErrorCode(old.errorCode) == .unknownMemberId && old.members.isEmpty)
        let batched = handler.response(
            to: LeaveGroupRequest(groupId: "g", members: [.init(memberId: "a"), .init(memberId: "", groupInstanceId: "i")]), version: 5)
        #expect(batched.errorCode == 0 && batched.members.map(\.errorCode) == [25, 25])
    }

    @Test func clientHostIsTheAddressAsJavaPrintsIt() {
        #expect(ClientHost.from(address: "[IPv4]localhost/127.0.0.1:54321") == "/127.0.0.1")
        #expect(ClientHost.from(address: "[IPv6]::1/::1:5000") == "/::1")
        #expect(ClientHost.from(address: "unknown") == "unknown")
    }

    @Test func memberIdsUseJavasUUIDForm() {
        let id = KafkaUUID(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210).dashedString
        #expect(id == "01234567-89ab-cdef-fedc-ba9876543210")
    }

    @Test func listAndDescribeGroupsAcrossShards() async throws {
        let fixture = try await GroupCoordinatorRuntimeTests.fixture()
        let joined = try await GroupCoordinatorRuntimeTests.joinNew(fixture.coordinator, "live", suffix: "a").get()
        _ = try await GroupCoordinatorRuntimeTests.sync(fixture.coordinator, "live", joined.memberId, 1, ["t": [0]]).get()
        try await fixture.createTopic(name: "t", partitions: 1)
        _ = await fixture.offsetCommit.response(to: GroupCoordinatorShardTests.commit("offsets-only", [("t", 0, 3)]), version: 8)

        let all = fixture.coordinator.listGroups(statesFilter: [], typesFilter: [])
        #expect(all.groups.map(\.groupId) == ["live", "offsets-only"])
        #expect(all.groups.map(\.protocolType) == ["consumer", ""])
        let stable = fixture.coordinator.listGroups(statesFilter: ["STABLE "], typesFilter: ["classic"])
        #expect(stable.groups.map(\.groupId) == ["live"])

        var request = DescribeGroupsRequest(groups: ["live", "missing"])
        request.includeAuthorizedOperations = true
        let handler = DescribeGroupsHandler(groups: fixture.coordinator)
        guard case .respond(let response) = handler.handle(request, context: try Self.context(version: 5)) else {
            Issue.record("DescribeGroups answers at once")
            return
        }
        let live = try #require(response.groups.first)
        #expect(live.groupState == "Stable" && live.protocolType == "consumer" && live.protocolData == "range")
        #expect(live.members.first?.memberAssignment == ConsumerProtocolCodec.encodeAssignment(["t": [0]]))
        #expect(live.members.first?.memberMetadata == ConsumerProtocolCodec.encodeSubscription(["t"]))
        #expect(live.authorizedOperations == DescribeGroupsHandler.allGroupOperations)
        #expect(response.groups.last?.groupState == "Dead" && response.groups.last?.errorCode == 0)

        let deleted = fixture.coordinator.deleteGroups(["live", "offsets-only", "missing"])
        #expect(deleted.map(\.errorCode) == [ErrorCode.nonEmptyGroup.rawValue, 0, ErrorCode.groupIdNotFound.rawValue])
        #expect(fixture.fetch("offsets-only", [("t", [0])]) == ["t-0": -1])
    }

    static func context(version: Int16) throws -> RequestContext {
        RequestContext(
            header: RequestHeader(requestApiKey: 15, requestApiVersion: version, correlationId: 1, clientId: "test"),
            apiKey: .describeGroups, eventLoop: GroupCoordinatorRuntimeTests.loop, allocator: ByteBufferAllocator(),
            clientAddress: "[IPv4]127.0.0.1/127.0.0.1:1", zeroCopy: false, logger: GroupCoordinatorFixture.logger)
    }
}

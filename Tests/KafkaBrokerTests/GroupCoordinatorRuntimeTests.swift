import Foundation
import KafkaProtocol
import NIOCore
import NIOPosix
import Testing

@testable import KafkaBroker

/// The coordinator with its runtime: real `__consumer_offsets` logs, real timers on an event
/// loop, parked JoinGroup/SyncGroup futures, restarts from the log.
@Suite struct GroupCoordinatorRuntimeTests {
    static let loop = MultiThreadedEventLoopGroup.singleton.next()

    static func fixture() async throws -> GroupCoordinatorFixture {
        try await GroupCoordinatorFixture.make(configure: { config in
            config.initialRebalanceDelayMs = 0
            config.minSessionTimeoutMs = 10
        })
    }

    static func join(
        _ coordinator: GroupCoordinator, _ group: String, member: String = "", session: Int32 = 30_000, suffix: String
    ) -> EventLoopFuture<JoinGroupResponse> {
        let request = JoinGroupRequest(
            groupId: group, sessionTimeoutMs: session, rebalanceTimeoutMs: 30_000, memberId: member, protocolType: "consumer",
            protocols: [.init(name: "range", metadata: ConsumerProtocolCodec.encodeSubscription(["t"]))])
        let context = ClassicJoinContext(clientId: "c", clientHost: "/127.0.0.1", apiVersion: 9, newMemberSuffix: suffix)
        return coordinator.joinGroup(request, context: context, eventLoop: loop)
    }

    /// MEMBER_ID_REQUIRED, then the real join; returns the join response.
    static func joinNew(_ coordinator: GroupCoordinator, _ group: String, session: Int32 = 30_000, suffix: String) async throws -> EventLoopFuture<JoinGroupResponse> {
        let first = try await join(coordinator, group, session: session, suffix: suffix).get()
        #expect(ErrorCode(first.errorCode) == .memberIdRequired)
        return join(coordinator, group, member: first.memberId, session: session, suffix: suffix)
    }

    static func sync(_ coordinator: GroupCoordinator, _ group: String, _ member: String, _ generation: Int32, _ plan: [String: [Int32]]? = nil) -> EventLoopFuture<SyncGroupResponse> {
        let assignments = plan.map { [SyncGroupRequest.SyncGroupRequestAssignment(memberId: member, assignment: ConsumerProtocolCodec.encodeAssignment($0))] } ?? []
        return coordinator.syncGroup(
            SyncGroupRequest(groupId: group, generationId: generation, memberId: member, assignments: assignments), eventLoop: loop)
    }

    static func group(_ fixture: GroupCoordinatorFixture, _ id: String) -> ClassicGroup? {
        fixture.coordinator.snapshot(partition: fixture.coordinator.partitionFor(groupId: id))?.groups[id]?.classic
    }

    /// Waits (bounded) for the timer thread to get somewhere.
    static func eventually(_ what: String, _ condition: () -> Bool) async throws {
        for _ in 0..<1500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what)")
    }

    @Test func aGroupFormsThroughTimersAndSurvivesARestart() async throws {
        let fixture = try await Self.fixture()
        let joined = try await Self.joinNew(fixture.coordinator, "g", suffix: "a").get()
        #expect(joined.errorCode == 0 && joined.generationId == 1 && joined.leader == joined.memberId)
        let synced = try await Self.sync(fixture.coordinator, "g", joined.memberId, 1, ["t": [0]]).get()
        #expect(synced.errorCode == 0 && synced.assignment == ConsumerProtocolCodec.encodeAssignment(["t": [0]]))
        #expect(fixture.coordinator.heartbeat(HeartbeatRequest(groupId: "g", generationId: 1, memberId: joined.memberId)).errorCode == 0)

        try await fixture.restart(clean: false)
        let loaded = try #require(Self.group(fixture, "g"))
        #expect(loaded.state == .stable && loaded.generationId == 1 && loaded.members.keys.sorted() == [joined.memberId])
        #expect(fixture.coordinator.heartbeat(HeartbeatRequest(groupId: "g", generationId: 1, memberId: joined.memberId)).errorCode == 0)

        // A second member after the restart: its join waits for the first to rejoin.
        let second = try await Self.joinNew(fixture.coordinator, "g", suffix: "b")
        #expect(ErrorCode(fixture.coordinator.heartbeat(HeartbeatRequest(groupId: "g", generationId: 1, memberId: joined.memberId)).errorCode) == .rebalanceInProgress)
        let rejoined = try await Self.join(fixture.coordinator, "g", member: joined.memberId, suffix: "x").get()
        let secondAnswer = try await second.get()
        #expect(rejoined.generationId == 2 && secondAnswer.generationId == 2)
        #expect(rejoined.members.count == 2)
    }

    @Test func aSilentMemberIsRemovedWhenItsSessionExpires() async throws {
        let fixture = try await Self.fixture()
        // A session long enough for the join and sync to arrive on a busy machine.
        let joined = try await Self.joinNew(fixture.coordinator, "quiet", session: 6000, suffix: "a").get()
        #expect(joined.errorCode == 0 && joined.generationId == 1)
        let synced = try await Self.sync(fixture.coordinator, "quiet", joined.memberId, 1, ["t": [0]]).get()
        #expect(synced.errorCode == 0)
        #expect(Self.group(fixture, "quiet")?.state == .stable)
        // No heartbeats: the session timer removes the member and the group empties.
        try await Self.eventually("the member's session to expire") { Self.group(fixture, "quiet")?.generationId == 2 }
        #expect(Self.group(fixture, "quiet")?.state == .empty)
        try await fixture.restart(clean: true)
        #expect(Self.group(fixture, "quiet")?.state == .empty)
    }

    @Test func shutdownAnswersParkedRequests() async throws {
        let fixture = try await Self.fixture()
        let joined = try await Self.joinNew(fixture.coordinator, "g", suffix: "a").get()
        _ = try await Self.sync(fixture.coordinator, "g", joined.memberId, 1, ["t": [0]]).get()
        let parked = try await Self.joinNew(fixture.coordinator, "g", suffix: "b")
        fixture.coordinator.shutdown()
        let answer = try await parked.get()
        #expect(ErrorCode(answer.errorCode) == .notCoordinator)
    }

    @Test func invalidJoinsAreRefusedBeforeTheShard() async throws {
        let fixture = try await Self.fixture()
        let empty = try await Self.join(fixture.coordinator, "", suffix: "a").get()
        #expect(ErrorCode(empty.errorCode) == .invalidGroupId)
        let short = try await Self.join(fixture.coordinator, "g", session: 1, suffix: "a").get()
        #expect(ErrorCode(short.errorCode) == .invalidSessionTimeout)
        let long = try await Self.join(fixture.coordinator, "g", session: 1_900_000, suffix: "a").get()
        #expect(ErrorCode(long.errorCode) == .invalidSessionTimeout)
    }
}

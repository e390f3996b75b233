import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// Static membership (group.instance.id) and restarts of the coordinator in the middle of a
/// rebalance, replaying the log into a fresh shard.
@Suite struct GroupStaticMembershipTests {
    typealias H = GroupShardHarness

    /// Two static members, stable at generation 1.
    static func staticGroup(_ h: H) throws -> (a: String, b: String) {
        #expect(h.join("g", instance: "i-a").isParked)
        #expect(h.join("g", instance: "i-b").isParked)
        while h.classic("g")?.state == .preparingRebalance, h.fire(.classicJoin(group: "g")) {}
        let group = try #require(h.classic("g"))
        let a = try #require(group.staticMembers["i-a"])
        let b = try #require(group.staticMembers["i-b"])
        _ = h.sync("g", member: b, generation: 1, instance: "i-b")
        _ = h.sync("g", member: a, generation: 1, assignments: [a: ["t": [0]], b: ["t": [1]]], instance: "i-a")
        #expect(h.classic("g")?.state == .stable)
        return (a, b)
    }

    @Test func aRestartedStaticMemberRejoinsWithoutARebalance() throws {
        let h = H()
        let (a, b) = try Self.staticGroup(h)
        let recordsBefore = h.log.count
        // Member b restarts: no member id, same instance id.
        let rejoin = try #require(h.join("g", instance: "i-b").nowResponse)
        #expect(rejoin.errorCode == 0 && rejoin.generationId == 1)
        #expect(rejoin.memberId != b && rejoin.memberId.hasPrefix("i-b-"))
        let group = try #require(h.classic("g"))
        #expect(group.state == .stable && group.generationId == 1)
        #expect(group.staticMembers["i-b"] == rejoin.memberId)
        // It keeps its assignment, and the group is stored with its new id.
        #expect(group.members[rejoin.memberId]?.assignment == ConsumerProtocolCodec.encodeAssignment(["t": [1]]))
        #expect(h.log.count == recordsBefore + 1)
        guard case .groupMetadata(_, let stored?)? = h.log.last else {
            Issue.record("the new member id must be stored")
            return
        }
        #expect(Set(stored.members.map(\.memberId)) == [a, rejoin.memberId])
        // The sync of the new id returns the kept assignment at once.
        let synced = try #require(h.sync("g", member: rejoin.memberId, generation: 1, instance: "i-b").nowResponse)
        #expect(synced.assignment == ConsumerProtocolCodec.encodeAssignment(["t": [1]]))
        #expect(h.heartbeat("g", member: a, generation: 1, instance: "i-a") == .none)
    }

    @Test func theOldInstanceIsFenced() throws {
        let h = H()
        let (_, b) = try Self.staticGroup(h)
        let rejoin = try #require(h.join("g", instance: "i-b").nowResponse)
        #expect(h.heartbeat("g", member: b, generation: 1, instance: "i-b") == .fencedInstanceId)
        #expect(ErrorCode(h.sync("g", member: b, generation: 1, instance: "i-b").nowResponse?.errorCode ?? 0) == .fencedInstanceId)
        #expect(throws: BrokerError.self) {
            _ = try h.shard.commitOffset(
                GroupCoordinatorShardTests.commit("g", generation: 1, member: b, instance: "i-b", [("t", 0, 1)]), apiVersion: 8, now: h.now)
        }
        #expect(h.heartbeat("g", member: rejoin.memberId, generation: 1, instance: "i-b") == .none)
        // An unknown instance id is an unknown member.
        #expect(h.heartbeat("g", member: b, generation: 1, instance: "i-zz") == .unknownMemberId)
    }

    @Test func aParkedJoinOfTheReplacedIdIsFenced() throws {
        let h = H()
        let (a, _) = try Self.staticGroup(h)
        // The leader rejoins (a rebalance starts), then restarts under a new id.
        #expect(h.join("g", member: a, instance: "i-a").isParked)
        #expect(h.join("g", instance: "i-a").isParked)
        #expect(ErrorCode(h.joinAnswers[a]?.errorCode ?? 0) == .fencedInstanceId)
    }

    @Test func adminRemovesAStaticMemberByInstanceId() throws {
        let h = H()
        _ = try Self.staticGroup(h)
        let response = h.leave("g", [("", "i-b"), ("", "i-nobody")])
        #expect(response.members.map(\.errorCode) == [0, ErrorCode.unknownMemberId.rawValue])
        #expect(h.classic("g")?.staticMembers["i-b"] == nil)
        #expect(h.classic("g")?.state == .preparingRebalance)
    }

    /// The log holds the last stored generation; a rebalance in flight is memory only, as in
    /// Kafka. After a restart the group is back at its stored generation, members of that
    /// generation carry on, and the ones the restart cut off rejoin.
    @Test func restartInTheMiddleOfARebalance() throws {
        let h = H()
        let ids = GroupClassicRebalanceTests.stableGroup(h, members: 2)
        let stored = try #require(h.classic("g"))
        // A third member arrives; the leader rejoins, the join phase completes: generation 2 is
        // handed out but its assignment is not stored yet.
        let late = h.joinNew("g", client: "late")
        _ = h.join("g", member: ids[0])
        _ = h.join("g", member: ids[1])
        #expect(h.classic("g")?.state == .completingRebalance && h.classic("g")?.generationId == 2)

        let restarted = H()
        restarted.shard = h.reloaded()
        let loaded = try #require(restarted.classic("g"))
        #expect(loaded.state == .stable && loaded.generationId == 1)
        #expect(Set(loaded.members.keys) == Set(ids))
        #expect(loaded.leaderId == stored.leaderId && loaded.protocolName == "range")
        for id in ids {
            #expect(loaded.members[id]?.assignment == stored.members[id]?.assignment)
            #expect(loaded.members[id]?.sessionTimeoutMs == 10_000)
        }
        // The loaded shard needs its members' session timers again.
        #expect(restarted.shard.timersAfterLoad().contains(.schedule(.classicHeartbeat(group: "g", member: ids[0]), afterMs: 10_000, tag: 0)))
        #expect(restarted.heartbeat("g", member: ids[1], generation: 1) == .none)
        #expect(restarted.heartbeat("g", member: ids[1], generation: 2) == .illegalGeneration)
        #expect(ErrorCode(restarted.sync("g", member: late, generation: 2).nowResponse?.errorCode ?? 0) == .unknownMemberId)
        // The cut-off member rejoins from scratch and the group rebalances again.
        let again = restarted.joinNew("g", client: "late")
        #expect(!again.isEmpty && restarted.classic("g")?.state == .preparingRebalance)
    }

    /// Replaying the log gives the same stored state as live traffic reached.
    @Test func replayMatchesTheLiveGroup() throws {
        let h = H()
        _ = try Self.staticGroup(h)
        _ = h.join("g", instance: "i-b")
        let live = try #require(h.classic("g"))
        let loaded = try #require(h.reloaded().groups["g"]?.classic)
        #expect(loaded.generationId == live.generationId && loaded.leaderId == live.leaderId)
        #expect(loaded.protocolType == live.protocolType && loaded.protocolName == live.protocolName)
        #expect(loaded.staticMembers == live.staticMembers && loaded.state == live.state)
        #expect(loaded.members.mapValues(\.assignment) == live.members.mapValues(\.assignment))
    }
}

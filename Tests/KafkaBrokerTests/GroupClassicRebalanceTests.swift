import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// The classic group state machine driven without sockets: joins, syncs, heartbeats and timer
/// expiries go in, responses, records and timers come out.
@Suite struct GroupClassicRebalanceTests {
    typealias H = GroupShardHarness

    /// One member from first JoinGroup to Stable.
    static func stableGroup(_ h: H, _ group: String = "g", members count: Int = 1) -> [String] {
        var ids: [String] = []
        for i in 0..<count { ids.append(h.joinNew(group, client: "c\(i)")) }
        // The initial delay extends while members keep arriving.
        while h.classic(group)?.state == .preparingRebalance, h.fire(.classicJoin(group: group)) {}
        let generation = h.classic(group)?.generationId ?? -1
        let leader = h.classic(group)?.leaderId ?? ""
        var assignments: [String: [String: [Int32]]] = [:]
        for (i, id) in ids.enumerated() { assignments[id] = ["t": [Int32(i)]] }
        for id in ids where id != leader { _ = h.sync(group, member: id, generation: generation) }
        _ = h.sync(group, member: leader, generation: generation, assignments: assignments)
        return ids
    }

    @Test func firstJoinNeedsAMemberIdThenTheInitialDelayFormsTheGroup() throws {
        let h = H()
        let first = try #require(h.join("g").nowResponse)
        #expect(first.errorCode == ErrorCode.memberIdRequired.rawValue)
        #expect(first.memberId == "client-uuid1")
        // The group exists from its creation record; the member is pending until it joins with its id.
        #expect(h.log == [.groupMetadata(group: "g", GroupMetadataValue(
            protocolType: "", generation: 0, protocolName: nil, leader: nil, currentStateTimestamp: h.now, members: []))])
        #expect(h.classic("g")?.pendingJoinMembers == ["client-uuid1"])
        #expect(h.timers[.classicHeartbeat(group: "g", member: "client-uuid1")]?.afterMs == 10_000)

        #expect(h.join("g", member: "client-uuid1").isParked)
        #expect(h.classic("g")?.state == .preparingRebalance)
        #expect(h.timers[.classicJoin(group: "g")]?.afterMs == 3000)

        #expect(h.fire(.classicJoin(group: "g")))
        let joined = try #require(h.joinAnswers["client-uuid1"])
        #expect(joined.errorCode == 0 && joined.generationId == 1 && joined.leader == "client-uuid1")
        #expect(joined.protocolName == "range" && joined.protocolType == "consumer")
        #expect(joined.members.map(\.memberId) == ["client-uuid1"])
        #expect(h.classic("g")?.state == .completingRebalance)
        #expect(h.timers[.classicSync(group: "g")]?.tag == 1)

        let assignment = ConsumerProtocolCodec.encodeAssignment(["t": [0, 1]])
        #expect(h.sync("g", member: "client-uuid1", generation: 1, assignments: ["client-uuid1": ["t": [0, 1]]]).isParked)
        #expect(h.syncAnswers["client-uuid1"]?.assignment == assignment)
        #expect(h.syncAnswers["client-uuid1"]?.protocolName == "range")
        let group = try #require(h.classic("g"))
        #expect(group.state == .stable && group.generationId == 1)
        #expect(group.members["client-uuid1"]?.assignment == assignment)
        #expect(h.timers[.classicSync(group: "g")] == nil)
        guard case .groupMetadata(_, let stored?)? = h.log.last else {
            Issue.record("the leader's assignment must be stored")
            return
        }
        #expect(stored.generation == 1 && stored.leader == "client-uuid1" && stored.protocolName == "range")
        #expect(stored.members.map(\.assignment) == [assignment])
    }

    @Test func threeMembersRebalanceAndFollowersWaitForTheLeader() throws {
        let h = H()
        let ids = (0..<3).map { h.joinNew("g", client: "c\($0)") }
        // Members joining during the initial delay extend it once.
        #expect(h.fire(.classicJoin(group: "g")))
        #expect(h.joinAnswers.isEmpty)
        #expect(h.fire(.classicJoin(group: "g")))
        let leader = try #require(h.classic("g")?.leaderId)
        for id in ids {
            let answer = try #require(h.joinAnswers[id])
            #expect(answer.generationId == 1 && answer.leader == leader)
            // Only the leader learns the members and their metadata.
            #expect(answer.members.count == (id == leader ? 3 : 0))
        }
        let followers = ids.filter { $0 != leader }
        for id in followers { #expect(h.sync("g", member: id, generation: 1).isParked) }
        #expect(h.syncAnswers.isEmpty)
        var plan: [String: [String: [Int32]]] = [:]
        for (i, id) in ids.enumerated() { plan[id] = ["t": [Int32(2 * i), Int32(2 * i + 1)]] }
        _ = h.sync("g", member: leader, generation: 1, assignments: plan)
        for id in ids {
            #expect(h.syncAnswers[id]?.assignment == ConsumerProtocolCodec.encodeAssignment(plan[id] ?? [:]))
        }
        #expect(h.classic("g")?.state == .stable)

        // A fourth member: the others learn of the rebalance by heartbeat and rejoin.
        let late = h.joinNew("g", client: "late")
        #expect(h.classic("g")?.state == .preparingRebalance)
        for id in ids { #expect(h.heartbeat("g", member: id, generation: 1) == .rebalanceInProgress) }
        #expect(ErrorCode(h.sync("g", member: ids[0], generation: 1).nowResponse?.errorCode ?? 0) == .rebalanceInProgress)
        for id in ids { #expect(h.join("g", member: id).isParked) }
        // The last rejoin completes the join phase without waiting for a timer.
        #expect(h.classic("g")?.state == .completingRebalance)
        #expect(h.classic("g")?.generationId == 2)
        #expect(Set(h.joinAnswers.keys) == Set(ids + [late]))
        #expect(h.timers[.classicJoin(group: "g")] == nil)
    }

    @Test func sessionExpiryRemovesAMemberAndTheOthersRebalance() throws {
        let h = H()
        let ids = Self.stableGroup(h, members: 2)
        #expect(h.classic("g")?.generationId == 1)
        let gone = ids[1]
        #expect(h.fire(.classicHeartbeat(group: "g", member: gone)))
        #expect(h.classic("g")?.members[gone] == nil)
        #expect(h.classic("g")?.state == .preparingRebalance)
        #expect(h.heartbeat("g", member: ids[0], generation: 1) == .rebalanceInProgress)
        #expect(h.heartbeat("g", member: gone, generation: 1) == .unknownMemberId)
        #expect(h.join("g", member: ids[0]).isParked)
        let answer = try #require(h.joinAnswers[ids[0]])
        #expect(answer.generationId == 2 && answer.members.map(\.memberId) == [ids[0]])
    }

    @Test func aMemberWaitingInTheJoinPhaseIsNotExpired() {
        let h = H()
        let ids = Self.stableGroup(h, members: 2)
        #expect(h.join("g", member: ids[0]).isParked)  // the leader's rejoin starts a rebalance
        #expect(h.fire(.classicHeartbeat(group: "g", member: ids[0])))
        #expect(h.classic("g")?.members[ids[0]] != nil)
        // The member that did not rejoin is dropped when the rebalance times out.
        #expect(h.fire(.classicJoin(group: "g")))
        #expect(h.classic("g")?.members.keys.sorted() == [ids[0]])
        #expect(h.joinAnswers[ids[0]]?.generationId == 2)
    }

    @Test func lastMemberLeavingEmptiesTheGroupThroughARecord() {
        let h = H()
        let ids = Self.stableGroup(h, members: 1)
        let response = h.leave("g", [(ids[0], nil), ("nobody", nil)])
        #expect(response.members.map(\.errorCode) == [0, ErrorCode.unknownMemberId.rawValue])
        let group = h.classic("g")
        #expect(group?.state == .empty && group?.generationId == 2 && group?.members.isEmpty == true)
        guard case .groupMetadata(_, let stored?)? = h.log.last else {
            Issue.record("an emptied group is stored")
            return
        }
        #expect(stored.generation == 2 && stored.members.isEmpty && stored.protocolName == nil && stored.protocolType == "consumer")
        #expect(h.timers[.classicHeartbeat(group: "g", member: ids[0])] == nil)
    }

    @Test func leavingDuringTheJoinPhaseAnswersTheParkedJoin() throws {
        let h = H()
        let ids = Self.stableGroup(h, members: 2)
        #expect(h.classic("g")?.leaderId == ids[0])
        #expect(h.join("g", member: ids[0]).isParked)
        _ = h.leave("g", [(ids[0], nil)])
        // Its parked join is answered so that the client does not hang.
        #expect(ErrorCode(h.joinAnswers[ids[0]]?.errorCode ?? 0) == .unknownMemberId)
        #expect(h.join("g", member: ids[1]).isParked)
        let answer = try #require(h.joinAnswers[ids[1]])
        #expect(answer.generationId == 2 && answer.leader == ids[1])
    }

    @Test func errorCodes() {
        let h = H()
        let ids = Self.stableGroup(h, members: 1)
        #expect(h.heartbeat("g", member: ids[0], generation: 7) == .illegalGeneration)
        #expect(h.heartbeat("g", member: "x", generation: 1) == .unknownMemberId)
        #expect(h.heartbeat("nope", member: "x", generation: 1) == .unknownMemberId)
        #expect(ErrorCode(h.sync("g", member: ids[0], generation: 3).nowResponse?.errorCode ?? 0) == .illegalGeneration)
        #expect(ErrorCode(h.sync("nope", member: "m", generation: 0).nowResponse?.errorCode ?? 0) == .unknownMemberId)
        // A protocol no member supports.
        let other = h.join("g", member: "", protocols: ["roundrobin"]).nowResponse
        #expect(ErrorCode(other?.errorCode ?? 0) == .inconsistentGroupProtocol)
        let wrongType = h.join("g", member: "", protocolType: "connect").nowResponse
        #expect(ErrorCode(wrongType?.errorCode ?? 0) == .inconsistentGroupProtocol)
        // A member id the group never gave out.
        let stranger = h.join("g", member: "stranger").nowResponse
        #expect(ErrorCode(stranger?.errorCode ?? 0) == .unknownMemberId)
        // Committing while the group completes a rebalance.
        _ = h.joinNew("g")
        _ = h.join("g", member: ids[0])
        #expect(h.classic("g")?.state == .completingRebalance)
        #expect(throws: BrokerError.self) {
            _ = try h.shard.commitOffset(
                GroupCoordinatorShardTests.commit("g", generation: 2, member: ids[0], [("t", 0, 1)]), apiVersion: 8, now: h.now)
        }
    }

    @Test func protocolSelectionFollowsTheMembersCommonPreference() throws {
        let h = H()
        let a = h.joinNew("g", protocols: ["cooperative-sticky", "range"])
        let b = h.joinNew("g", protocols: ["range", "cooperative-sticky"])
        let c = h.joinNew("g", protocols: ["range"])
        h.fire(.classicJoin(group: "g"))
        h.fire(.classicJoin(group: "g"))
        // Only range is common to all three.
        #expect(h.classic("g")?.protocolName == "range")
        #expect(Set([a, b, c].compactMap { h.joinAnswers[$0]?.protocolName }) == ["range"])
    }

    @Test func oldClientsJoinWithoutMemberIdRequired() throws {
        let h = H()
        let reply = h.join("g", version: 3)
        #expect(reply.isParked)
        #expect(h.classic("g")?.members.keys.sorted() == ["client-uuid1"])
    }

    @Test func groupMaxSizeTurnsAwayExtraMembers() {
        var config = H.config
        config.classicGroupMaxSize = 1
        let h = H(config: config)
        _ = Self.stableGroup(h, members: 1)
        let extra = h.join("g", version: 3).nowResponse
        #expect(ErrorCode(extra?.errorCode ?? 0) == .groupMaxSizeReached)
    }

    @Test func pendingSyncExpiryRemovesMembersThatNeverSynced() throws {
        let h = H()
        let ids = (0..<2).map { h.joinNew("g", client: "c\($0)") }
        h.fire(.classicJoin(group: "g"))
        h.fire(.classicJoin(group: "g"))
        let leader = try #require(h.classic("g")?.leaderId)
        let follower = try #require(ids.first { $0 != leader })
        _ = h.sync("g", member: leader, generation: 1, assignments: [leader: ["t": [0]], follower: ["t": [1]]])
        #expect(h.classic("g")?.state == .stable)
        #expect(h.classic("g")?.pendingSyncMembers == [follower])
        #expect(h.fire(.classicSync(group: "g")))
        #expect(h.classic("g")?.members[follower] == nil)
        #expect(h.classic("g")?.state == .preparingRebalance)
    }
}

import KafkaProtocol
import Testing

@testable import KafkaBroker

/// KIP-848 consumer groups (ConsumerGroupHeartbeat) as a pure state machine: member epochs,
/// target assignment, reconciliation with revocation before reassignment, fencing, leaving.
@Suite struct GroupConsumerProtocolTests {
    typealias H = GroupShardHarness
    static let t = KafkaUUID(high: 1, low: 1)
    static let u = KafkaUUID(high: 2, low: 2)

    static func harness() -> H {
        let h = H()
        h.topics = StaticTopicCatalog([SubscribedTopic(id: t, name: "t", partitions: 4), SubscribedTopic(id: u, name: "u", partitions: 2)])
        return h
    }

    static func partitions(_ response: ConsumerGroupHeartbeatResponse) -> [KafkaUUID: [Int32]]? {
        response.assignment.map { Dictionary($0.topicPartitions.map { ($0.topicId, $0.partitions) }, uniquingKeysWith: { a, _ in a }) }
    }

    static func code(_ body: () throws -> Void) -> ErrorCode {
        do {
            try body()
            return .none
        } catch let error as BrokerError {
            return error.code
        } catch {
            return .unknownServerError
        }
    }

    /// A joins alone, B joins: A must revoke half before B gets it.
    @Test func secondMemberGetsPartitionsOnlyAfterTheFirstRevokesThem() throws {
        let h = Self.harness()
        let a = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        #expect(a.memberId == "A" && a.memberEpoch == 1 && a.heartbeatIntervalMs == 5000)
        #expect(Self.partitions(a) == [Self.t: [0, 1, 2, 3]])
        #expect(h.consumer("c")?.state == .stable && h.consumer("c")?.groupEpoch == 1)
        #expect(h.timers[.consumerSession(group: "c", member: "A")]?.afterMs == 45_000)

        let b = try h.consumerHeartbeat("c", member: "B", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        // B is at the new epoch but its partitions are still A's.
        #expect(b.memberEpoch == 2 && Self.partitions(b) == [:])
        #expect(h.consumer("c")?.members["B"]?.state == .unreleasedPartitions)
        #expect(h.consumer("c")?.state == .reconciling)
        #expect(h.consumer("c")?.targetAssignment == ["A": [Self.t: [0, 1]], "B": [Self.t: [2, 3]]])

        // A learns it must give up 2 and 3 and stays at epoch 1 until it has.
        let revoke = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0, 1, 2, 3]])
        #expect(revoke.memberEpoch == 1 && Self.partitions(revoke) == [Self.t: [0, 1]])
        #expect(h.consumer("c")?.members["A"]?.state == .unrevokedPartitions)
        #expect(h.timers[.consumerRebalance(group: "c", member: "A")]?.tag == 1)
        // Until A stops reporting them, A stays where it is and B waits.
        let notYet = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0, 1, 2, 3]])
        #expect(notYet.memberEpoch == 1 && h.consumer("c")?.members["A"]?.state == .unrevokedPartitions)
        let still = try h.consumerHeartbeat("c", member: "B", epoch: 2, owned: [:])
        #expect(still.assignment == nil && h.consumer("c")?.members["B"]?.state == .unreleasedPartitions)

        let revoked = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0, 1]])
        #expect(revoked.memberEpoch == 2)
        #expect(h.timers[.consumerRebalance(group: "c", member: "A")] == nil)
        let assigned = try h.consumerHeartbeat("c", member: "B", epoch: 2, owned: [:])
        #expect(Self.partitions(assigned) == [Self.t: [2, 3]])
        #expect(h.consumer("c")?.state == .stable)
        // Everything above came from records: replaying them gives the same groups.
        #expect(h.reloaded().groups == h.shard.groups)
    }

    @Test func epochErrors() throws {
        let h = Self.harness()
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "A", epoch: 9) } == .fencedMemberEpoch)
        _ = try h.consumerHeartbeat("c", member: "B", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0, 1]])
        #expect(h.consumer("c")?.members["A"]?.memberEpoch == 2)
        // One epoch behind with only its own partitions is accepted (the epoch bump may have been lost)...
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0]]) } == .none)
        // ...but not while claiming partitions it does not have.
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [3]]) } == .fencedMemberEpoch)
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "Z", epoch: 3) } == .unknownMemberId)
        #expect(Self.code { _ = try h.consumerHeartbeat("gone", member: "A", epoch: 3) } == .unknownMemberId)
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "", epoch: 0, topics: ["t"], owned: [:]) } == .invalidRequest)
        #expect(Self.code {
            _ = try h.consumerHeartbeat("c", member: "Q", epoch: 0, topics: ["t"], owned: [:], assignor: "sticky", rebalanceTimeout: 1)
        } == .unsupportedAssignor)
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "A", epoch: -3) } == .invalidRequest)

        // Offset commits are checked against the member epoch (v9), and need v9.
        let stale = GroupCoordinatorShardTests.commit("c", generation: 1, member: "A", [("t", 0, 5)])
        #expect(Self.code { _ = try h.shard.commitOffset(stale, apiVersion: 9, now: h.now) } == .staleMemberEpoch)
        let current = GroupCoordinatorShardTests.commit("c", generation: 2, member: "A", [("t", 0, 5)])
        #expect(Self.code { _ = try h.shard.commitOffset(current, apiVersion: 8, now: h.now) } == .unsupportedVersion)
        h.apply(try h.shard.commitOffset(current, apiVersion: 9, now: h.now))
        let fetchStale = h.shard.fetchOffsets(.init(groupId: "c", memberId: "A", memberEpoch: 1, topics: [.init(name: "t", partitionIndexes: [0])]), requireStable: false)
        #expect(ErrorCode(fetchStale.errorCode) == .staleMemberEpoch)
        let fetched = h.shard.fetchOffsets(.init(groupId: "c", memberId: "A", memberEpoch: 2, topics: [.init(name: "t", partitionIndexes: [0])]), requireStable: false)
        #expect(fetched.errorCode == 0 && fetched.topics.first?.partitions.first?.committedOffset == 5)
    }

    @Test func leavingAndSessionExpiryRemoveMembersAndBumpTheEpoch() throws {
        let h = Self.harness()
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        _ = try h.consumerHeartbeat("c", member: "B", epoch: 0, topics: ["t", "u"], owned: [:], rebalanceTimeout: 30_000)
        #expect(h.consumer("c")?.subscriptionMetadata.keys.sorted() == ["t", "u"])
        let left = try h.consumerHeartbeat("c", member: "B", epoch: -1)
        #expect(left.memberEpoch == -1)
        let group = try #require(h.consumer("c"))
        #expect(group.members["B"] == nil && group.targetAssignment["B"] == nil && group.groupEpoch == 3)
        // Nobody subscribes to u any more.
        #expect(group.subscriptionMetadata.keys.sorted() == ["t"])
        #expect(h.timers[.consumerSession(group: "c", member: "B")] == nil)
        // A picks up everything at the next epoch.
        let a = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0, 1, 2, 3]])
        #expect(a.memberEpoch == 3)
        #expect(h.fire(.consumerSession(group: "c", member: "A")))
        #expect(h.consumer("c")?.members.isEmpty == true && h.consumer("c")?.state == .empty)
        #expect(h.reloaded().groups == h.shard.groups)
        // An empty group can be deleted; its records go with it.
        let deleted = h.apply(h.shard.deleteGroups(["c"]))
        #expect(deleted.map(\.errorCode) == [0] && h.shard.groups["c"] == nil)
        #expect(h.reloaded().groups["c"] == nil)
    }

    @Test func rebalanceTimeoutFencesAMemberThatDoesNotRevoke() throws {
        let h = Self.harness()
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        _ = try h.consumerHeartbeat("c", member: "B", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0, 1, 2, 3]])
        #expect(h.timers[.consumerRebalance(group: "c", member: "A")]?.afterMs == 30_000)
        #expect(h.fire(.consumerRebalance(group: "c", member: "A")))
        #expect(h.consumer("c")?.members["A"] == nil)
        let b = try h.consumerHeartbeat("c", member: "B", epoch: 2, owned: [:])
        #expect(Self.partitions(b) == [Self.t: [0, 1, 2, 3]])
    }

    @Test func aFencedMemberRejoinsUnderItsIdAtEpochZero() throws {
        let h = Self.harness()
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "A", epoch: 5) } == .fencedMemberEpoch)
        let rejoined = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        #expect(rejoined.memberEpoch == 1 && Self.partitions(rejoined) == [Self.t: [0, 1, 2, 3]])
        #expect(h.reloaded().groups == h.shard.groups)
    }

    @Test func staticMemberLeavesTemporarilyAndComesBackWithItsPartitions() throws {
        let h = Self.harness()
        _ = try h.consumerHeartbeat("c", member: "S1", epoch: 0, topics: ["t"], owned: [:], instance: "i1", rebalanceTimeout: 30_000)
        _ = try h.consumerHeartbeat("c", member: "B", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        _ = try h.consumerHeartbeat("c", member: "S1", epoch: 1, owned: [Self.t: [0, 1]], instance: "i1")
        _ = try h.consumerHeartbeat("c", member: "B", epoch: 2, owned: [:])
        let epochBefore = h.consumer("c")?.groupEpoch
        // Another process cannot take the instance id while S1 holds it.
        #expect(Self.code {
            _ = try h.consumerHeartbeat("c", member: "S2", epoch: 0, topics: ["t"], owned: [:], instance: "i1", rebalanceTimeout: 30_000)
        } == .unreleasedInstanceId)
        let leave = try h.consumerHeartbeat("c", member: "S1", epoch: -2, instance: "i1")
        #expect(leave.memberEpoch == -2 && h.consumer("c")?.members["S1"]?.memberEpoch == -2)
        let back = try h.consumerHeartbeat("c", member: "S2", epoch: 0, topics: ["t"], owned: [:], instance: "i1", rebalanceTimeout: 30_000)
        // Same partitions, no new group epoch: no rebalance for the others.
        #expect(Self.partitions(back) == [Self.t: [0, 1]] && back.memberEpoch == epochBefore)
        #expect(h.consumer("c")?.groupEpoch == epochBefore)
        #expect(h.consumer("c")?.members["S1"] == nil && h.consumer("c")?.staticMembers["i1"] == "S2")
        #expect(Self.code { _ = try h.consumerHeartbeat("c", member: "S1", epoch: 2, instance: "i1") } == .fencedInstanceId)
        #expect(h.reloaded().groups == h.shard.groups)
    }

    @Test func newTopicPartitionsTriggerAReassignment() throws {
        let h = Self.harness()
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t", "v"], owned: [:], rebalanceTimeout: 30_000)
        #expect(h.consumer("c")?.subscriptionMetadata.keys.sorted() == ["t"])
        let v = KafkaUUID(high: 3, low: 3)
        h.topics = StaticTopicCatalog([SubscribedTopic(id: Self.t, name: "t", partitions: 4), SubscribedTopic(id: v, name: "v", partitions: 1)])
        let next = try h.consumerHeartbeat("c", member: "A", epoch: 1, owned: [Self.t: [0, 1, 2, 3]])
        #expect(next.memberEpoch == 2 && Self.partitions(next) == [Self.t: [0, 1, 2, 3], v: [0]])
    }

    @Test func regexSubscriptionsMatchWholeTopicNames() throws {
        let h = Self.harness()
        let a = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: [], owned: [:], rebalanceTimeout: 30_000, regex: "u|x.*")
        #expect(Self.partitions(a) == [Self.u: [0, 1]])
        #expect(Self.code {
            _ = try h.consumerHeartbeat("c", member: "B", epoch: 0, topics: [], owned: [:], rebalanceTimeout: 30_000, regex: "([")
        } == .invalidRegularExpression)
    }

    @Test func classicAndConsumerGroupsDoNotMix() throws {
        let h = Self.harness()
        _ = GroupClassicRebalanceTests.stableGroup(h, "g", members: 1)
        #expect(Self.code { _ = try h.consumerHeartbeat("g", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 1) } == .groupIdNotFound)
        _ = try h.consumerHeartbeat("c", member: "A", epoch: 0, topics: ["t"], owned: [:], rebalanceTimeout: 30_000)
        #expect(ErrorCode(h.join("c", version: 3).nowResponse?.errorCode ?? 0) == .inconsistentGroupProtocol)
        #expect(h.shard.describeGroup("c").groupState == "Dead")
        #expect(h.shard.describeConsumerGroup("g", topics: h.topics).errorCode == ErrorCode.groupIdNotFound.rawValue)
        let described = h.shard.describeConsumerGroup("c", topics: h.topics)
        #expect(described.groupState == "Stable" && described.assignorName == "uniform")
        #expect(described.members.first?.assignment.topicPartitions.first?.topicName == "t")
        let listed = h.shard.listGroups(statesFilter: [], typesFilter: ["consumer"])
        #expect(listed.map(\.groupId) == ["c"] && listed.first?.protocolType == "consumer")
    }
}

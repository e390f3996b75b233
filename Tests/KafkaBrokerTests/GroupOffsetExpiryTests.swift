import KafkaProtocol
import Testing

@testable import KafkaBroker

/// offsets.retention.minutes and OffsetDelete on the pure shard.
@Suite struct GroupOffsetExpiryTests {
    typealias H = GroupShardHarness
    static let retention: Int64 = 60_000

    static func harness() -> H {
        var config = H.config
        config.offsetsRetentionMs = retention
        config.offsetsRetentionCheckIntervalMs = 1000
        return H(config: config)
    }

    static func commit(_ h: H, _ group: String, generation: Int32 = -1, member: String = "", _ offsets: [(String, Int32, Int64)]) throws {
        h.apply(try h.shard.commitOffset(
            GroupCoordinatorShardTests.commit(group, generation: generation, member: member, offsets), apiVersion: 8, now: h.now))
    }

    static func expire(_ h: H, after ms: Int64) {
        h.now += ms
        h.apply(h.shard.timerExpired(.offsetExpiration, tag: 0, topics: h.topics, now: h.now))
    }

    @Test func simpleGroupOffsetsExpireByCommitTimeAndTheGroupGoes() throws {
        let h = Self.harness()
        try Self.commit(h, "simple", [("t", 0, 5)])
        Self.expire(h, after: Self.retention - 1)
        #expect(h.shard.offsets.get(group: "simple", topic: "t", partition: 0) != nil)
        Self.expire(h, after: 1)
        #expect(h.shard.offsets.get(group: "simple", topic: "t", partition: 0) == nil)
        #expect(h.shard.groups["simple"] == nil)
        #expect(h.reloaded().groups["simple"] == nil)
    }

    @Test func anActiveGroupKeepsTheOffsetsOfTopicsItConsumes() throws {
        let h = Self.harness()
        let ids = GroupClassicRebalanceTests.stableGroup(h, members: 1)
        try Self.commit(h, "g", generation: 1, member: ids[0], [("t", 0, 5), ("old", 0, 9)])
        Self.expire(h, after: Self.retention)
        // "t" is subscribed; "old" is not any more, so its offset expires.
        #expect(h.shard.offsets.get(group: "g", topic: "t", partition: 0) != nil)
        #expect(h.shard.offsets.get(group: "g", topic: "old", partition: 0) == nil)
        #expect(h.classic("g")?.state == .stable)
    }

    @Test func anEmptyGroupsOffsetsExpireFromWhenItBecameEmpty() throws {
        let h = Self.harness()
        let ids = GroupClassicRebalanceTests.stableGroup(h, members: 1)
        try Self.commit(h, "g", generation: 1, member: ids[0], [("t", 0, 5)])
        h.now += 50_000
        _ = h.leave("g", [(ids[0], nil)])
        #expect(h.classic("g")?.state == .empty)
        // The commit is older than the retention, but the group has been empty for less.
        Self.expire(h, after: 20_000)
        #expect(h.shard.offsets.get(group: "g", topic: "t", partition: 0) != nil)
        Self.expire(h, after: Self.retention)
        #expect(h.shard.offsets.get(group: "g", topic: "t", partition: 0) == nil)
        #expect(h.shard.groups["g"] == nil)
        #expect(h.reloaded().groups["g"] == nil)
        // The expiration runs again.
        #expect(h.timers[.offsetExpiration]?.afterMs == 1000)
    }

    @Test func offsetDeleteRefusesSubscribedTopicsAndActiveNonConsumerGroups() throws {
        let h = Self.harness()
        let ids = GroupClassicRebalanceTests.stableGroup(h, members: 1)
        try Self.commit(h, "g", generation: 1, member: ids[0], [("t", 0, 5), ("old", 0, 9)])
        let request = OffsetDeleteRequest(groupId: "g", topics: [
            .init(name: "t", partitions: [.init(partitionIndex: 0)]), .init(name: "old", partitions: [.init(partitionIndex: 0)]),
        ])
        let response = h.apply(try h.shard.deleteOffsets(request))
        #expect(response.topics.map { $0.partitions.map(\.errorCode) } == [[ErrorCode.groupSubscribedToTopic.rawValue], [0]])
        #expect(h.shard.offsets.get(group: "g", topic: "old", partition: 0) == nil)
        #expect(h.shard.offsets.get(group: "g", topic: "t", partition: 0) != nil)

        let connect = Self.harness()
        _ = connect.joinNew("c", protocols: ["default"])
        #expect(throws: BrokerError.self) { _ = try connect.shard.deleteOffsets(OffsetDeleteRequest(groupId: "nope")) }
        _ = connect.join("x", protocolType: "connect", version: 3)
        do {
            _ = try connect.shard.deleteOffsets(OffsetDeleteRequest(groupId: "x"))
            Issue.record("a group with members of another protocol keeps its offsets")
        } catch {
            #expect(error.code == .nonEmptyGroup)
        }
    }
}

import KafkaProtocol
import Testing

@testable import KafkaBroker

/// The shard as a pure state machine: requests give records, only replay changes state.
@Suite struct GroupCoordinatorShardTests {
    static let now: Int64 = 1_700_000_000_000

    static func commit(
        _ group: String, generation: Int32 = -1, member: String = "", instance: String? = nil, retention: Int64 = -1,
        _ partitions: [(String, Int32, Int64)], metadata: String? = "", epoch: Int32 = -1, timestamp: Int64 = -1
    ) -> OffsetCommitRequest {
        var topics: [OffsetCommitRequest.OffsetCommitRequestTopic] = []
        for (topic, partition, offset) in partitions {
            let entry = OffsetCommitRequest.OffsetCommitRequestPartition(
                partitionIndex: partition, committedOffset: offset, committedLeaderEpoch: epoch,
                commitTimestamp: timestamp, committedMetadata: metadata)
            if let i = topics.firstIndex(where: { $0.name == topic }) {
                topics[i].partitions.append(entry)
            } else {
                topics.append(.init(name: topic, partitions: [entry]))
            }
        }
        return OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: member, groupInstanceId: instance,
            retentionTimeMs: retention, topics: topics)
    }

    static func fetch(_ group: String, _ topics: [(String, [Int32])]?) -> OffsetFetchRequest.OffsetFetchRequestGroup {
        .init(groupId: group, topics: topics?.map { .init(name: $0.0, partitionIndexes: $0.1) })
    }

    /// Does what the runtime does after a successful append at `firstOffset`.
    static func apply(_ result: CoordinatorResult<OffsetCommitResponse>, to shard: inout GroupCoordinatorShard, firstOffset: Int64 = 0) {
        for (i, record) in result.records.enumerated() { shard.replay(record, offset: firstOffset + Int64(i)) }
    }

    static func codes(_ response: OffsetCommitResponse) -> [Int16] { response.topics.flatMap { $0.partitions.map(\.errorCode) } }

    static func offsets(_ group: OffsetFetchResponse.OffsetFetchResponseGroup) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for topic in group.topics { for p in topic.partitions { out["\(topic.name)-\(p.partitionIndex)"] = p.committedOffset } }
        return out
    }

    var shard = GroupCoordinatorShard(partitionIndex: 0, config: GroupCoordinatorConfig())

    @Test func simpleCommitWritesRecordsAndOnlyReplayChangesState() throws {
        var shard = self.shard
        let request = Self.commit("g", [("t1", 0, 17), ("t1", 1, 5), ("t2", 0, 99)], metadata: "m", epoch: 3)
        let result = try shard.commitOffset(request, apiVersion: 9, now: Self.now)
        #expect(Self.codes(result.response) == [0, 0, 0])
        #expect(result.records.count == 3)
        #expect(result.records.first == .offsetCommit(
            OffsetCommitKey(group: "g", topic: "t1", partition: 0),
            OffsetCommitValue(offset: 17, leaderEpoch: 3, metadata: "m", commitTimestamp: Self.now)))
        // Nothing is visible before the records are applied.
        #expect(shard.groups.isEmpty && shard.offsets.isEmpty)
        Self.apply(result, to: &shard, firstOffset: 10)
        let fetched = shard.fetchOffsets(Self.fetch("g", [("t1", [0, 1, 2]), ("t2", [0])]), requireStable: false)
        #expect(Self.offsets(fetched) == ["t1-0": 17, "t1-1": 5, "t1-2": -1, "t2-0": 99])
        let p0 = try #require(fetched.topics.first?.partitions.first)
        #expect(p0.metadata == "m" && p0.committedLeaderEpoch == 3 && p0.errorCode == 0)
        #expect(shard.offsets.get(group: "g", topic: "t2", partition: 0)?.recordOffset == 12)
        // The commit created a simple group.
        #expect(shard.group("g") == .classic(ClassicGroup(groupId: "g")))
    }

    @Test func laterCommitReplacesEarlierOne() throws {
        var shard = self.shard
        Self.apply(try shard.commitOffset(Self.commit("g", [("t", 0, 1)]), apiVersion: 8, now: Self.now), to: &shard)
        Self.apply(try shard.commitOffset(Self.commit("g", [("t", 0, 2)], metadata: nil), apiVersion: 8, now: Self.now), to: &shard, firstOffset: 1)
        let fetched = shard.fetchOffsets(Self.fetch("g", [("t", [0])]), requireStable: false)
        #expect(Self.offsets(fetched) == ["t-0": 2])
        // A null metadata is stored as the empty string.
        #expect(fetched.topics.first?.partitions.first?.metadata == "")
    }

    @Test func generationForAGroupThatNeverExistedIsIllegal() {
        do {
            _ = try shard.commitOffset(Self.commit("new", generation: 5, member: "m", [("t", 0, 1)]), apiVersion: 7, now: Self.now)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .illegalGeneration)
        }
        // From v9 Kafka answers GROUP_ID_NOT_FOUND instead.
        do {
            _ = try shard.commitOffset(Self.commit("new", generation: 0, member: "m", [("t", 0, 1)]), apiVersion: 9, now: Self.now)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .groupIdNotFound)
        }
    }

    @Test func membersOfASimpleGroupAreUnknown() throws {
        var shard = self.shard
        Self.apply(try shard.commitOffset(Self.commit("g", [("t", 0, 1)]), apiVersion: 7, now: Self.now), to: &shard)
        for (generation, member) in [(Int32(987_654), "no-such-member"), (0, "")] {
            do {
                _ = try shard.commitOffset(Self.commit("g", generation: generation, member: member, [("t", 0, 9)]), apiVersion: 7, now: Self.now)
                Issue.record("expected UNKNOWN_MEMBER_ID for generation \(generation), member '\(member)'")
            } catch {
                #expect(error.code == .unknownMemberId)
            }
        }
        #expect(Self.offsets(shard.fetchOffsets(Self.fetch("g", [("t", [0])]), requireStable: false)) == ["t-0": 1])
        // Generation -1 on an empty group is accepted whatever the member id, as in Kafka.
        let anyMember = try shard.commitOffset(Self.commit("g", generation: -1, member: "someone", [("t", 0, 2)]), apiVersion: 7, now: Self.now)
        #expect(Self.codes(anyMember.response) == [0])
    }

    @Test func classicGroupValidation() {
        let stable = ClassicGroup(
            groupId: "g", state: .stable, generationId: 4,
            members: [ClassicGroupMember(memberId: "a"), ClassicGroupMember(memberId: "s", groupInstanceId: "i1")])
        func code(_ group: ClassicGroup, _ member: String, _ instance: String?, _ generation: Int32) -> ErrorCode {
            do {
                try group.validateOffsetCommit(memberId: member, groupInstanceId: instance, generationId: generation, isTransactional: false)
                return .none
            } catch {
                return error.code
            }
        }
        #expect(code(stable, "a", nil, 4) == .none)
        #expect(code(stable, "a", nil, 987_654) == .illegalGeneration)
        #expect(code(stable, "zz", nil, 4) == .unknownMemberId)
        #expect(code(stable, "", nil, -1) == .unknownMemberId)
        #expect(code(stable, "s", "i1", 4) == .none)
        #expect(code(stable, "a", "i1", 4) == .fencedInstanceId)
        #expect(code(stable, "a", "nope", 4) == .unknownMemberId)
        var completing = stable
        completing.state = .completingRebalance
        #expect(code(completing, "a", nil, 4) == .rebalanceInProgress)
        var dead = stable
        dead.state = .dead
        #expect(code(dead, "a", nil, 4) == .coordinatorNotAvailable)
    }

    @Test func oversizedMetadataFailsOnlyItsPartition() throws {
        var shard = self.shard
        var request = Self.commit("g", [("t", 0, 1), ("t", 1, 2)])
        request.topics[0].partitions[1].committedMetadata = String(repeating: "x", count: 4097)
        let result = try shard.commitOffset(request, apiVersion: 8, now: Self.now)
        #expect(Self.codes(result.response) == [0, ErrorCode.offsetMetadataTooLarge.rawValue])
        #expect(result.records.count == 1)
        Self.apply(result, to: &shard)
        #expect(Self.offsets(shard.fetchOffsets(Self.fetch("g", [("t", [0, 1])]), requireStable: false)) == ["t-0": 1, "t-1": -1])
        // Exactly the limit is fine; Kafka counts UTF-16 units, so 4096 "é" pass too.
        request.topics[0].partitions[1].committedMetadata = String(repeating: "é", count: 4096)
        #expect(Self.codes(try shard.commitOffset(request, apiVersion: 8, now: Self.now).response) == [0, 0])
    }

    @Test func versionOneTimestampAndRetentionAreKept() throws {
        var shard = self.shard
        let v1 = try shard.commitOffset(Self.commit("g", [("t", 0, 3)], timestamp: 1234), apiVersion: 1, now: Self.now)
        Self.apply(v1, to: &shard)
        #expect(shard.offsets.get(group: "g", topic: "t", partition: 0)?.commitTimestampMs == 1234)
        let v2 = try shard.commitOffset(Self.commit("g", retention: 60_000, [("t", 0, 4)]), apiVersion: 2, now: Self.now)
        guard case .offsetCommit(_, let value?) = v2.records.first else {
            Issue.record("expected a commit record")
            return
        }
        #expect(value.expireTimestamp == Self.now + 60_000)
        #expect(value.commitTimestamp == Self.now)
    }

    @Test func fetchOfUnknownGroupAndAllTopics() throws {
        var shard = self.shard
        #expect(Self.offsets(shard.fetchOffsets(Self.fetch("nobody", [("t", [0, 1])]), requireStable: false)) == ["t-0": -1, "t-1": -1])
        #expect(shard.fetchOffsets(Self.fetch("nobody", nil), requireStable: false).topics.isEmpty)
        Self.apply(try shard.commitOffset(Self.commit("g", [("b", 1, 11), ("a", 0, 10), ("b", 0, 12)]), apiVersion: 8, now: Self.now), to: &shard)
        let all = shard.fetchOffsets(Self.fetch("g", nil), requireStable: true)
        #expect(all.topics.map(\.name) == ["a", "b"])
        #expect(all.topics[1].partitions.map(\.partitionIndex) == [0, 1])
        #expect(Self.offsets(all) == ["a-0": 10, "b-0": 12, "b-1": 11])
    }

    @Test func tombstonesRemoveOffsetsAndTheSimpleGroup() throws {
        var shard = self.shard
        Self.apply(try shard.commitOffset(Self.commit("g", [("t", 0, 1), ("t", 1, 2)]), apiVersion: 8, now: Self.now), to: &shard)
        shard.replay(.offsetCommit(OffsetCommitKey(group: "g", topic: "t", partition: 0), nil), offset: 5)
        #expect(Self.offsets(shard.fetchOffsets(Self.fetch("g", nil), requireStable: false)) == ["t-1": 2])
        #expect(shard.group("g") != nil)
        shard.replay(.offsetCommit(OffsetCommitKey(group: "g", topic: "t", partition: 1), nil), offset: 6)
        #expect(shard.offsets.isEmpty)
        // No offsets left: the simple group goes, as a compacted log would replay it.
        #expect(shard.groups.isEmpty)
        // A tombstone for something never committed changes nothing.
        shard.replay(.offsetCommit(OffsetCommitKey(group: "x", topic: "t", partition: 0), nil), offset: 7)
        #expect(shard.groups.isEmpty && shard.offsets.isEmpty)
    }

    @Test func transactionalOffsetsApplyOnlyWhenCommitted() {
        var shard = self.shard
        let key = OffsetCommitKey(group: "g", topic: "t", partition: 0)
        shard.replay(.offsetCommit(key, OffsetCommitValue(offset: 1, commitTimestamp: 0)), offset: 0)
        shard.replay(.offsetCommit(key, OffsetCommitValue(offset: 50, commitTimestamp: 0)), offset: 1, producerId: 7)
        let request = Self.fetch("g", [("t", [0])])
        #expect(Self.offsets(shard.fetchOffsets(request, requireStable: false)) == ["t-0": 1])
        let stable = shard.fetchOffsets(request, requireStable: true)
        #expect(stable.topics.first?.partitions.first?.errorCode == ErrorCode.unstableOffsetCommit.rawValue)
        shard.replayEndTransactionMarker(producerId: 7, committed: true)
        #expect(Self.offsets(shard.fetchOffsets(request, requireStable: true)) == ["t-0": 50])
        #expect(shard.openTransactionsByGroup.isEmpty && shard.pendingTransactionalOffsets.isEmpty)
        // Aborted: dropped. A committed transaction older than a plain commit does not win.
        shard.replay(.offsetCommit(key, OffsetCommitValue(offset: 60, commitTimestamp: 0)), offset: 2, producerId: 8)
        shard.replayEndTransactionMarker(producerId: 8, committed: false)
        shard.replay(.offsetCommit(key, OffsetCommitValue(offset: 70, commitTimestamp: 0)), offset: 3, producerId: 9)
        shard.replay(.offsetCommit(key, OffsetCommitValue(offset: 80, commitTimestamp: 0)), offset: 4)
        shard.replayEndTransactionMarker(producerId: 9, committed: true)
        #expect(Self.offsets(shard.fetchOffsets(request, requireStable: false)) == ["t-0": 80])
    }
}

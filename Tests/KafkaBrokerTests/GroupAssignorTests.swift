import KafkaProtocol
import Testing

@testable import KafkaBroker

/// The KIP-848 server assignors as pure functions.
@Suite struct GroupAssignorTests {
    static let t = KafkaUUID(high: 1, low: 1)
    static let u = KafkaUUID(high: 2, low: 2)

    static func member(_ id: String, _ topics: Set<KafkaUUID>, instance: String? = nil, current: TopicPartitionAssignment = [:]) -> AssignmentMember {
        AssignmentMember(memberId: id, instanceId: instance, subscribedTopics: topics, current: current)
    }

    static func sizes(_ assignment: [String: TopicPartitionAssignment]) -> [Int] {
        assignment.values.map(\.partitionCount).sorted()
    }

    /// Every partition of the topics exactly once.
    static func coversOnce(_ assignment: [String: TopicPartitionAssignment], _ counts: [KafkaUUID: Int32]) -> Bool {
        let all = assignment.values.flatMap(\.sortedPartitions)
        let expected = counts.flatMap { topic, count in (0..<count).map { TopicIdPartition(topic: topic, partition: $0) } }
        return all.count == expected.count && Set(all) == Set(expected)
    }

    @Test func rangeCoPartitionsTopicsOfEqualSize() {
        let spec = AssignmentSpec(
            members: [Self.member("m2", [Self.t, Self.u]), Self.member("m1", [Self.t, Self.u])],
            partitionCounts: [Self.t: 3, Self.u: 3])
        let out = RangeAssignor().assign(spec)
        #expect(out["m1"] == [Self.t: [0, 1], Self.u: [0, 1]])
        #expect(out["m2"] == [Self.t: [2], Self.u: [2]])
    }

    @Test func rangeOrdersStaticMembersByInstanceId() {
        let spec = AssignmentSpec(
            members: [Self.member("a", [Self.t], instance: "z"), Self.member("b", [Self.t], instance: "y"), Self.member("c", [Self.t])],
            partitionCounts: [Self.t: 3])
        let out = RangeAssignor().assign(spec)
        #expect(out["b"] == [Self.t: [0]] && out["a"] == [Self.t: [1]] && out["c"] == [Self.t: [2]])
    }

    @Test func rangeGivesOnlySubscribedTopics() {
        let spec = AssignmentSpec(
            members: [Self.member("m1", [Self.t]), Self.member("m2", [Self.t, Self.u])], partitionCounts: [Self.t: 2, Self.u: 2])
        let out = RangeAssignor().assign(spec)
        #expect(out["m1"] == [Self.t: [0]] && out["m2"] == [Self.t: [1], Self.u: [0, 1]])
    }

    @Test func uniformBalancesAndCoversEveryPartition() {
        let counts: [KafkaUUID: Int32] = [Self.t: 4, Self.u: 3]
        let spec = AssignmentSpec(members: ["a", "b", "c"].map { Self.member($0, [Self.t, Self.u]) }, partitionCounts: counts)
        let out = UniformAssignor().assign(spec)
        #expect(Self.sizes(out) == [2, 2, 3])
        #expect(Self.coversOnce(out, counts))
    }

    @Test func uniformIsStickyWhenAMemberJoins() {
        let counts: [KafkaUUID: Int32] = [Self.t: 6]
        let before = UniformAssignor().assign(AssignmentSpec(
            members: ["a", "b"].map { Self.member($0, [Self.t]) }, partitionCounts: counts))
        let after = UniformAssignor().assign(AssignmentSpec(
            members: [Self.member("a", [Self.t], current: before["a"] ?? [:]), Self.member("b", [Self.t], current: before["b"] ?? [:]),
                      Self.member("c", [Self.t])],
            partitionCounts: counts))
        #expect(Self.sizes(after) == [2, 2, 2] && Self.coversOnce(after, counts))
        // The old members only lose partitions; nothing moves between them.
        for id in ["a", "b"] {
            let kept = Set(after[id]?.sortedPartitions ?? [])
            #expect(kept.isSubset(of: Set(before[id]?.sortedPartitions ?? [])))
        }
    }

    @Test func uniformHandlesDifferentSubscriptions() {
        let counts: [KafkaUUID: Int32] = [Self.t: 4, Self.u: 4]
        let spec = AssignmentSpec(
            members: [Self.member("a", [Self.t]), Self.member("b", [Self.t, Self.u]), Self.member("c", [Self.u])],
            partitionCounts: counts)
        let out = UniformAssignor().assign(spec)
        #expect(Self.coversOnce(out, counts))
        #expect(out["a"]?[Self.u] == nil && out["c"]?[Self.t] == nil)
        let sizes = Self.sizes(out)
        #expect((sizes.last ?? 0) - (sizes.first ?? 0) <= 1)
    }

    @Test func assignorsIgnoreTopicsThatDoNotExist() {
        let ghost = KafkaUUID(high: 9, low: 9)
        let spec = AssignmentSpec(members: [Self.member("a", [Self.t, ghost])], partitionCounts: [Self.t: 1])
        #expect(UniformAssignor().assign(spec)["a"] == [Self.t: [0]])
        #expect(RangeAssignor().assign(spec)["a"] == [Self.t: [0]])
    }
}

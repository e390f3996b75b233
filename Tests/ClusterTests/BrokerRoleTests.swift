import KafkaProtocol
import LogStorage
import Testing

@testable import Cluster

/// How a broker learns its role per partition from its follower's images. Without I/O.
@Suite struct BrokerRoleTests {
    func image(_ states: [PartitionState], id: KafkaUUID = KafkaUUID(high: 1, low: 1)) -> MetadataImage {
        var image = MetadataImage()
        image.apply(.topicChanged(TopicAssignment(name: "t", topicID: id, partitions: [[1, 2], [2, 1], [3, 2]]), configs: [:]))
        let partitions = Dictionary(uniqueKeysWithValues: states.enumerated().map { (tp("t", Int32($0.offset)), Optional($0.element)) })
        image.apply(.partitionStates(partitions))
        return image
    }

    func state(_ leader: Int32, _ epoch: Int32, _ isr: [Int32], version: Int32 = 0) -> PartitionState {
        PartitionState(leader: leader, leaderEpoch: epoch, isr: isr, controllerEpoch: 1, partitionEpoch: version)
    }

    @Test func aStartingBrokerLearnsEveryRole() {
        let roles = BrokerRole.roles(in: image([state(1, 0, [1, 2]), state(2, 0, [2, 1]), state(3, 0, [3, 2])]), broker: 1)
        #expect(roles.count == 2)
        guard case .lead(let lead) = roles[0], case .follow(let follow) = roles[1] else {
            Issue.record("expected lead t-0, follow t-1: \(roles)")
            return
        }
        #expect(lead.partition == tp("t", 0))
        #expect(lead.replicas == [1, 2])
        #expect(follow.state.leader == 2)
    }

    @Test func leadersHearOfEveryChangeFollowersOnlyOfNewLeadersOrEpochs() {
        let before = image([state(1, 0, [1, 2]), state(2, 0, [2, 1]), state(3, 0, [3, 2])])
        let after = image([state(2, 1, [2]), state(2, 0, [2], version: 1), state(3, 0, [3, 2])])
        let one = BrokerRole.changes(from: before, to: after, broker: 1)
        #expect(one.count == 1)
        if case .follow(let leadership) = one.first {
            #expect(leadership.partition == tp("t", 0))
            #expect(leadership.state.leader == 2)
            #expect(leadership.state.leaderEpoch == 1)
        } else {
            Issue.record("broker 1 must follow t-0's new leader: \(one)")
        }
        let two = BrokerRole.changes(from: before, to: after, broker: 2)
        #expect(two.map(\.partition) == [tp("t", 0), tp("t", 1)])
        #expect(two.allSatisfy { if case .lead = $0 { true } else { false } }, "a new leadership and a new ISR")
        #expect(BrokerRole.changes(from: before, to: after, broker: 3).isEmpty)
    }

    @Test func aDeletedTopicStopsItsReplicasAndARecreatedOneStartsOver() {
        let before = image([state(1, 0, [1, 2]), state(2, 0, [2, 1]), state(3, 0, [3, 2])])
        var gone = before
        gone.apply(.topicDeleted("t"))
        #expect(BrokerRole.changes(from: before, to: gone, broker: 2) == [
            .stop(tp("t", 0), deleted: true), .stop(tp("t", 1), deleted: true), .stop(tp("t", 2), deleted: true),
        ])
        let again = image([state(1, 0, [1, 2]), state(2, 0, [2, 1]), state(3, 0, [3, 2])], id: KafkaUUID(high: 2, low: 2))
        let changes = BrokerRole.changes(from: before, to: again, broker: 1)
        #expect(changes.first == .stop(tp("t", 0), deleted: true), "the old topic's log goes first")
        #expect(changes.count == 4)
    }
}

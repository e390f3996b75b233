import KafkaProtocol
import LogStorage
import Testing

@testable import Cluster

extension ControllerHarness {
    /// The topic as an admin would rewrite it: `change` applied, one version later.
    mutating func changeTopic(_ name: String, _ change: (inout TopicAssignment) -> Void) -> [ControllerAction] {
        guard var topic = image.topics[name] else {
            Issue.record("no topic \(name)")
            return []
        }
        change(&topic)
        topic.version += 1
        image.topics[name] = topic
        return machine.handle(.topicChanged(topic, configs: image.configs[name] ?? [:]))
    }

    /// The leader's AlterPartition for `partition` as the machine knows it, with `isr`.
    mutating func leaderAsksIsr(_ partition: TopicPartition, _ isr: [Int32], requestID: UInt64) -> [ControllerAction] {
        guard let state = machine.image.partitions[partition], let broker = image.brokers[state.leader] else {
            Issue.record("no live leader for \(partition)")
            return []
        }
        let item = IsrChangeRequest.Item(
            partition: partition, leaderEpoch: state.leaderEpoch, newIsr: isr, partitionEpoch: state.partitionEpoch)
        return machine.handle(.isrChangeRequested(
            IsrChangeRequest(brokerID: broker.id, brokerEpoch: broker.epoch, items: [item]), requestID: requestID))
    }

    static func assignmentWrite(in actions: [ControllerAction]) -> (TopicAssignment, ControllerFence)? {
        for case .writeAssignment(let topic, let fence) in actions { return (topic, fence) }
        return nil
    }

    /// Answers an assignment write as the store would (version + 1).
    mutating func confirmAssignment(_ actions: [ControllerAction]) -> [ControllerAction] {
        guard var (topic, _) = Self.assignmentWrite(in: actions) else {
            Issue.record("no assignment write in \(actions)")
            return []
        }
        topic.version += 1
        image.topics[topic.name] = topic
        return machine.handle(.assignmentWritten(topic: topic.name, .success(topic)))
    }
}

/// Reassignment as the controller drives it, without I/O: the replica set changes in the topic,
/// the controller raises the leader epoch, waits for the target in the ISR, moves leadership,
/// writes RS = TRS and shrinks the ISR to it.
@Suite struct ControllerReassignmentTests {
    typealias H = ControllerHarness

    @Test func growingOneReplicaToThreeWaitsForTheISRThenCompletes() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1]], states: [H.state(1, [1], epoch: 4, version: 7)])
        #expect(H.batch(in: h.elect()) == nil)

        let started = h.changeTopic("t") { $0.reassign(partition: 0, to: [1, 2, 3]) }
        #expect(h.image.topics["t"]?.partitions == [[1, 2, 3]])
        #expect(h.image.topics["t"]?.reassignment(of: 0) == PartitionReassignment(adding: [2, 3], removing: []))
        let bump = try #require(H.writes(in: started)[tp("t", 0)])
        #expect(bump.state.leader == 1)
        #expect(bump.state.isr == [1])
        #expect(bump.state.leaderEpoch == 5, "the leader learns the new replicas at a new epoch")
        #expect(bump.expectedPartitionEpoch == 7)
        let afterBump = h.complete(started)
        #expect(H.notifications(in: afterBump).map(\.broker) == [1, 2, 3])
        #expect(H.assignmentWrite(in: afterBump) == nil, "2 and 3 are not in sync yet")

        // Broker 2 catches up: still waiting for 3.
        let two = h.complete(h.leaderAsksIsr(tp("t", 0), [1, 2], requestID: 1))
        #expect(H.isrAnswer(1, in: two)?[tp("t", 0)].map { (try? $0.get())?.isr } == [1, 2])
        #expect(H.assignmentWrite(in: two) == nil)
        #expect(H.batch(in: two) == nil)

        // Broker 3 catches up: the target is in sync under a leader in it, RS = TRS is written.
        let three = h.complete(h.leaderAsksIsr(tp("t", 0), [1, 2, 3], requestID: 2))
        let (completed, fence) = try #require(H.assignmentWrite(in: three))
        #expect(fence == h.fence)
        #expect(completed.partitions == [[1, 2, 3]])
        #expect(completed.reassignments.isEmpty)
        #expect(completed.version == 1, "conditional on the version the controller knows")

        let done = h.confirmAssignment(three)
        #expect(H.batch(in: done) == nil, "same replica set: nothing to write")
        #expect(h.machine.counters.reassignmentsCompleted == 1)
        #expect(h.machine.image.partitions[tp("t", 0)]?.isr == [1, 2, 3])
    }

    @Test func shrinkingToAnotherBrokerMovesLeadershipFirstThenDropsTheOthers() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1, 2, 3]], states: [H.state(1, [1, 2, 3], epoch: 2, version: 3)])
        _ = h.elect()

        // Same replica set in another order: no epoch bump, but the target (2) is in sync, so
        // leadership moves to it before the assignment shrinks.
        let started = h.changeTopic("t") { $0.reassign(partition: 0, to: [2]) }
        #expect(h.image.topics["t"]?.partitions == [[2, 1, 3]])
        #expect(h.image.topics["t"]?.reassignment(of: 0) == PartitionReassignment(adding: [], removing: [1, 3]))
        let move = try #require(H.writes(in: started)[tp("t", 0)])
        #expect(move.state.leader == 2)
        #expect(move.state.isr == [1, 2, 3])
        #expect(move.state.leaderEpoch == 3)
        #expect(H.assignmentWrite(in: started) == nil, "the leader moves before the assignment changes")

        let moved = h.complete(started)
        let (completed, _) = try #require(H.assignmentWrite(in: moved))
        #expect(completed.partitions == [[2]])

        // RS = TRS stored: the removed replicas leave the ISR at a new leader epoch.
        let shrunk = h.confirmAssignment(moved)
        let shrink = try #require(H.writes(in: shrunk)[tp("t", 0)])
        #expect(shrink.state.leader == 2)
        #expect(shrink.state.isr == [2])
        #expect(shrink.state.leaderEpoch == 4)
        let last = h.complete(shrunk)
        #expect(H.notifications(in: last).map(\.broker) == [2], "only the remaining replica hears of it")
        #expect(H.batch(in: last) == nil)
        #expect(h.machine.counters.reassignmentsCompleted == 1)
        #expect(h.machine.counters.reassignmentSteps == 2)
    }

    @Test func cancellingGoesBackToTheOriginAndTakesLeadershipBackFromAnAddedReplica() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1]], states: [H.state(1, [1])])
        _ = h.elect()
        _ = h.complete(h.changeTopic("t") { $0.reassign(partition: 0, to: [2, 3]) })
        #expect(h.image.topics["t"]?.partitions == [[2, 3, 1]])
        // 2 joined the ISR and then, with 1 gone for a moment, took over.
        _ = h.complete(h.leaderAsksIsr(tp("t", 0), [1, 2], requestID: 1))
        var state = try #require(h.machine.image.partitions[tp("t", 0)])
        state.leader = 2
        state.leaderEpoch += 1
        state.partitionEpoch += 1
        _ = h.machine.handle(.partitionStatesRead([tp("t", 0): state]))

        let cancelled = h.changeTopic("t") { $0.cancelReassignment(partition: 0) }
        #expect(h.image.topics["t"]?.partitions == [[1]])
        #expect(h.image.topics["t"]?.reassignments.isEmpty == true)
        let back = try #require(H.writes(in: cancelled)[tp("t", 0)])
        #expect(back.state.leader == 1, "leadership returns to the origin replica in the ISR")
        #expect(back.state.isr == [1])
        #expect(back.state.leaderEpoch == state.leaderEpoch + 1)
        _ = h.complete(cancelled)
    }

    @Test func aNewTargetReplacesTheOneInProgress() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1]], states: [H.state(1, [1])])
        _ = h.elect()
        _ = h.complete(h.changeTopic("t") { $0.reassign(partition: 0, to: [2, 3]) })
        let half = h.complete(h.leaderAsksIsr(tp("t", 0), [1, 2], requestID: 1))
        #expect(H.assignmentWrite(in: half) == nil, "3 is not in sync yet")

        let replaced = h.changeTopic("t") { $0.reassign(partition: 0, to: [3]) }
        #expect(h.image.topics["t"]?.partitions == [[3, 1]], "2 was only being added: it goes at once")
        #expect(h.image.topics["t"]?.reassignment(of: 0) == PartitionReassignment(adding: [3], removing: [1]))
        let write = try #require(H.writes(in: replaced)[tp("t", 0)])
        #expect(write.state.isr == [1], "2 leaves the ISR")
        #expect(write.state.leader == 1)
        let next = h.complete(replaced)
        #expect(H.notifications(in: next).map(\.broker) == [1, 3])
    }

    @Test func fencedOrStaleAssignmentWrites() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1]], states: [H.state(1, [1])])
        _ = h.elect()
        _ = h.complete(h.changeTopic("t") { $0.reassign(partition: 0, to: [1, 2]) })
        let ready = h.complete(h.leaderAsksIsr(tp("t", 0), [1, 2], requestID: 1))
        #expect(H.assignmentWrite(in: ready) != nil)

        // Lost a race with an admin's change: decided again from the newer assignment.
        let stale = h.machine.handle(.assignmentWritten(topic: "t", .failure(.staleVersion("changed"))))
        let (again, _) = try #require(H.assignmentWrite(in: stale), "still complete: tried again at once")
        #expect(again.version == 1)

        // Fenced: another controller took over.
        let fenced = h.machine.handle(.assignmentWritten(topic: "t", .failure(.controllerMoved("moved"))))
        #expect(fenced.contains { if case .fenced = $0 { true } else { false } })
        #expect(!h.machine.isActive)
    }

    @Test func anAssignmentReadBeforeTheControllersOwnWriteIsIgnored() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1]], states: [H.state(1, [1])])
        _ = h.elect()
        let oldTopic = try #require(h.image.topics["t"])
        _ = h.complete(h.changeTopic("t") { $0.reassign(partition: 0, to: [1, 2]) })
        let ready = h.complete(h.leaderAsksIsr(tp("t", 0), [1, 2], requestID: 1))
        _ = h.confirmAssignment(ready)
        let epoch = h.machine.image.partitions[tp("t", 0)]?.leaderEpoch
        let late = h.machine.handle(.topicChanged(oldTopic, configs: [:]))
        #expect(H.batch(in: late) == nil)
        #expect(h.machine.image.topics["t"]?.version == 2)
        #expect(h.machine.image.partitions[tp("t", 0)]?.leaderEpoch == epoch)
    }

    @Test func aNewControllerRepairsALeaderOutsideTheReplicaSet() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        // The assignment shrank to [2] but the controller died before writing the state.
        h.topic("t", [[2]], states: [H.state(1, [1, 2], epoch: 6, version: 9)])
        let write = try #require(H.writes(in: h.elect())[tp("t", 0)])
        #expect(write.state.leader == 2)
        #expect(write.state.isr == [2])
        #expect(write.state.leaderEpoch == 7)
    }
}

import KafkaProtocol
import LogStorage
import Testing

@testable import Cluster

/// The controller state machine, driven without I/O: elections, broker loss and return.
@Suite struct ControllerStateTests {
    typealias H = ControllerHarness

    @Test func anElectedControllerRepairsWhatItFinds() throws {
        var h = H()
        h.broker(1)
        h.broker(2)
        // Broker 3 is gone: p1 lost its leader; p2 never got a state and has no live replica.
        h.topic("t", [[1, 2], [3, 1], [3]], states: [H.state(1, [1, 2]), H.state(3, [3, 1], epoch: 4, version: 6)])
        let actions = h.elect()
        let writes = H.writes(in: actions)
        #expect(writes.count == 1)
        let write = try #require(writes[tp("t", 1)])
        #expect(write.state.leader == 1)
        #expect(write.state.isr == [1])
        #expect(write.state.leaderEpoch == 5)
        #expect(write.state.controllerEpoch == h.fence.epoch)
        #expect(write.expectedPartitionEpoch == 6)
        if case .write(_, _, let fence)? = actions.first(where: { if case .write = $0 { true } else { false } }) {
            #expect(fence == h.fence)
        }
        let next = h.complete(actions)
        #expect(h.machine.image.partitions[tp("t", 1)]?.partitionEpoch == 7)
        #expect(H.notifications(in: next).map(\.broker) == [1, 3])
        #expect(H.batch(in: next) == nil, "nothing left to do")
        #expect(h.machine.counters.cleanElections == 1)
    }

    @Test func aLostBrokersPartitionsGetNewLeadersAndSmallerISRs() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1, 2, 3], [2, 3, 1], [3, 1, 2]], states: [H.state(1, [1, 2, 3]), H.state(2, [2, 3, 1]), H.state(3, [3, 1, 2])])
        #expect(H.batch(in: h.elect()) == nil)

        let actions = h.machine.handle(.brokersChanged([h.image.brokers[1], h.image.brokers[3]].compactMap { $0 }))
        let writes = H.writes(in: actions)
        #expect(writes[tp("t", 0)]?.state.leader == 1)
        #expect(writes[tp("t", 0)]?.state.isr == [1, 3])
        #expect(writes[tp("t", 1)]?.state.leader == 3, "first live ISR replica in assignment order")
        #expect(writes[tp("t", 1)]?.state.isr == [3, 1])
        #expect(writes[tp("t", 2)]?.state.leader == 3)
        #expect(writes[tp("t", 2)]?.state.isr == [3, 1])
        #expect(writes.values.allSatisfy { $0.state.leaderEpoch == 1 })
        let next = h.complete(actions)
        let told = H.notifications(in: next)
        #expect(told.first { $0.broker == 3 }?.leading.map(\.partition) == [tp("t", 1), tp("t", 2)])
        #expect(h.machine.counters.cleanElections == 1)
        #expect(h.machine.counters.isrShrinks == 2)

        // Broker 2 returns: it is a replica again but rejoins ISRs only through its leaders.
        var back = h.image.brokers[2]
        back?.epoch = 200
        let returned = h.machine.handle(.brokersChanged([h.image.brokers[1], back, h.image.brokers[3]].compactMap { $0 }))
        #expect(H.batch(in: returned) == nil)
    }

    @Test func aPartitionWithoutAnInSyncReplicaWaitsOfflineUnlessUncleanIsAllowed() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("strict", [[1, 2]], states: [H.state(1, [1])])
        h.topic("loose", [[1, 2]], states: [H.state(1, [1])], configs: ["unclean.leader.election.enable": "true"])
        _ = h.elect()
        let actions = h.machine.handle(.brokersChanged([h.image.brokers[2]].compactMap { $0 }))
        let writes = H.writes(in: actions)
        #expect(writes[tp("strict", 0)]?.state.leader == PartitionState.noLeader)
        #expect(writes[tp("strict", 0)]?.state.isr == [1])
        #expect(writes[tp("loose", 0)]?.state.leader == 2)
        #expect(writes[tp("loose", 0)]?.state.leaderRecoveryState == .recovering)
        _ = h.complete(actions)
        #expect(h.machine.counters.offlinePartitions == 1)
        #expect(h.machine.counters.uncleanElections == 1)

        // Turning unclean election on for the strict topic elects at once.
        let configured = h.machine.handle(.topicConfigChanged("strict", ["unclean.leader.election.enable": "true"]))
        #expect(H.writes(in: configured)[tp("strict", 0)]?.state.leader == 2)
        _ = h.complete(configured)
        #expect(h.machine.counters.offlinePartitions == 0)
    }

    @Test func theLastInSyncReplicaLeadsAgainWhenItReturns() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2]], states: [H.state(1, [1])])
        _ = h.elect()
        _ = h.complete(h.machine.handle(.brokersChanged([h.image.brokers[2]].compactMap { $0 })))
        #expect(h.machine.image.partitions[tp("t", 0)]?.hasLeader == false)
        var back = try #require(h.image.brokers[1])
        back.epoch = 300
        let actions = h.machine.handle(.brokersChanged([back, h.image.brokers[2]].compactMap { $0 }))
        let write = try #require(H.writes(in: actions)[tp("t", 0)])
        #expect(write.state.leader == 1)
        #expect(write.state.isr == [1])
        #expect(write.state.leaderEpoch == 2)
    }

    @Test func aBrokerSeenWithANewEpochIsTreatedAsHavingDied() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2], [2, 1]], states: [H.state(1, [1, 2]), H.state(2, [2, 1])])
        _ = h.elect()
        var bounced = try #require(h.image.brokers[1])
        bounced.epoch = 999
        let actions = h.machine.handle(.brokersChanged([bounced, h.image.brokers[2]].compactMap { $0 }))
        let writes = H.writes(in: actions)
        #expect(writes[tp("t", 0)]?.state.leader == 2)
        #expect(writes[tp("t", 0)]?.state.isr == [2])
        #expect(writes[tp("t", 1)]?.state.leader == 2)
        #expect(writes[tp("t", 1)]?.state.isr == [2], "it lost its place in the ISR")
        // Once written, the bounce is processed: nothing more to do.
        #expect(H.batch(in: h.complete(actions)) == nil)
    }

    @Test func newTopicsGetTheirFirstStatesAndDeletedOnesAreForgotten() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        _ = h.elect()
        let topic = TopicAssignment(name: "new", topicID: KafkaUUID.random(), partitions: [[2, 3], [3, 1], [4, 1]], version: 0)
        let actions = h.machine.handle(.topicChanged(topic, configs: [:]))
        let writes = H.writes(in: actions)
        #expect(writes.values.allSatisfy { $0.isCreate })
        #expect(writes[tp("new", 0)]?.state == PartitionState(leader: 2, leaderEpoch: 0, isr: [2, 3], controllerEpoch: 3))
        #expect(writes[tp("new", 2)]?.state.isr == [1], "dead replicas are not in the first ISR")
        _ = h.complete(actions)
        #expect(h.machine.image.partitions.count == 3)

        // More partitions: only the new ones are created.
        var grown = topic
        grown.partitions.append([1, 2])
        let more = h.machine.handle(.topicChanged(grown, configs: [:]))
        #expect(Array(H.writes(in: more).keys) == [tp("new", 3)])
        _ = h.complete(more)

        #expect(H.batch(in: h.machine.handle(.topicDeleted("new"))) == nil)
        #expect(h.machine.image.partitions.isEmpty)
    }

    @Test func oneBatchAtATimeAndTheNextDecidesFromConfirmedState() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1, 2, 3]], states: [H.state(1, [1, 2, 3])])
        _ = h.elect()
        let first = h.machine.handle(.brokersChanged([h.image.brokers[1], h.image.brokers[2]].compactMap { $0 }))
        #expect(H.writes(in: first)[tp("t", 0)]?.state.isr == [1, 2])
        // Another loss while the first batch is in flight: no second batch yet.
        let meanwhile = h.machine.handle(.brokersChanged([h.image.brokers[2]].compactMap { $0 }))
        #expect(H.batch(in: meanwhile) == nil)
        let second = h.complete(first)
        let write = try #require(H.writes(in: second)[tp("t", 0)])
        #expect(write.state.leader == 2)
        #expect(write.state.isr == [2])
        #expect(write.expectedPartitionEpoch == 1, "from the confirmed version of the first write")
        #expect(write.state.leaderEpoch == 2)
    }

    @Test func aLostRaceIsReadAgainAndDecidedAgain() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1, 2, 3]], states: [H.state(1, [1, 2, 3], version: 4)])
        _ = h.elect()
        let actions = h.machine.handle(.brokersChanged([h.image.brokers[2], h.image.brokers[3]].compactMap { $0 }))
        let next = h.complete(actions, failing: [tp("t", 0): .staleVersion("changed")])
        guard case .reload(let partitions)? = next.first(where: { if case .reload = $0 { true } else { false } }) else {
            Issue.record("expected a reload")
            return
        }
        #expect(partitions == [tp("t", 0)])
        #expect(h.machine.counters.writeConflicts == 1)
        // The store had a newer state (leader 3 already); the controller decides from it.
        let reread = h.machine.handle(.partitionStatesRead([tp("t", 0): H.state(3, [3, 1, 2], epoch: 1, version: 5)]))
        let write = try #require(H.writes(in: reread)[tp("t", 0)])
        #expect(write.state.leader == 3)
        #expect(write.state.isr == [3, 2])
        #expect(write.expectedPartitionEpoch == 5)
    }

    @Test func aFencedWriteEndsTheControllershipAndAnswersWaitingRequests() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2], [2, 1]], states: [H.state(1, [1, 2]), H.state(2, [2])])
        _ = h.elect()
        let actions = h.machine.handle(.controlledShutdownRequested(brokerID: 1, brokerEpoch: 100, requestID: 7))
        #expect(H.batch(in: actions) != nil)
        let next = h.complete(actions, failing: [tp("t", 0): .controllerMoved("new controller")])
        #expect(next.contains { if case .fenced = $0 { true } else { false } })
        #expect(!h.machine.isActive)
        guard case .failure(let error)? = H.shutdownAnswer(7, in: next) else {
            Issue.record("the waiting shutdown must be answered")
            return
        }
        #expect(error.code == .notController)
        #expect(H.batch(in: next) == nil)
    }

    @Test func passingStoreTroubleIsRetried() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2]], states: [H.state(1, [1, 2])])
        _ = h.elect()
        let actions = h.machine.handle(.brokersChanged([h.image.brokers[1]].compactMap { $0 }))
        let next = h.complete(actions, failing: [tp("t", 0): .unavailable("connection loss")])
        #expect(next.contains { if case .retryAfter = $0 { true } else { false } })
        let again = h.machine.handle(.retry)
        #expect(H.writes(in: again)[tp("t", 0)]?.state.isr == [1])
    }

    @Test func nothingHappensWithoutTheOffice() {
        var h = H()
        h.broker(1)
        h.topic("t", [[1]], states: [])
        #expect(h.machine.handle(.brokersChanged([])).isEmpty)
        let answer = h.machine.handle(.isrChangeRequested(
            IsrChangeRequest(brokerID: 1, brokerEpoch: 100, items: [.init(partition: tp("t", 0), leaderEpoch: 0, newIsr: [1], partitionEpoch: 0)]),
            requestID: 1))
        #expect(H.code(H.isrAnswer(1, in: answer)?[tp("t", 0)]) == .notController)
    }
}

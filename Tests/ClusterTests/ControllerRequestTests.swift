import KafkaProtocol
import LogStorage
import Testing

@testable import Cluster

/// Broker requests to the controller state machine: ISR changes (AlterPartition), controlled
/// shutdown, and the preferred-leader check. Without I/O.
@Suite struct ControllerRequestTests {
    typealias H = ControllerHarness
    typealias Item = IsrChangeRequest.Item

    /// Brokers 1-3 (epoch 100); t-0 led by 1 with ISR [1, 2] at leader epoch 4, partition epoch 7.
    func elected() -> H {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1, 2, 3]], states: [H.state(1, [1, 2], epoch: 4, version: 7)])
        _ = h.elect()
        return h
    }

    func request(_ items: [Item], broker: Int32 = 1, brokerEpoch: Int64 = 100) -> IsrChangeRequest {
        IsrChangeRequest(brokerID: broker, brokerEpoch: brokerEpoch, items: items)
    }

    @Test func anISRExpansionIsWrittenAtTheSameLeaderEpochAndAnsweredWithTheNewVersion() throws {
        var h = elected()
        let actions = h.machine.handle(.isrChangeRequested(
            request([Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1, 2, 3], partitionEpoch: 7)]), requestID: 1))
        let write = try #require(H.writes(in: actions)[tp("t", 0)])
        #expect(write.state.isr == [1, 2, 3])
        #expect(write.state.leaderEpoch == 4, "an ISR change keeps the leader epoch")
        #expect(write.expectedPartitionEpoch == 7)
        #expect(H.isrAnswer(1, in: actions) == nil, "answered once written")
        let next = h.complete(actions)
        let answered = try #require(try H.isrAnswer(1, in: next)?[tp("t", 0)]?.get())
        #expect(answered.partitionEpoch == 8)
        #expect(answered.isr == [1, 2, 3])
        #expect(h.machine.counters.isrExpansions == 1)

        // The same request again (a retry after a lost answer): the current state, no write.
        let retry = h.machine.handle(.isrChangeRequested(
            request([Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1, 2, 3], partitionEpoch: 7)]), requestID: 2))
        #expect(H.batch(in: retry) == nil)
        #expect(try H.isrAnswer(2, in: retry)?[tp("t", 0)]?.get().partitionEpoch == 8)
    }

    @Test(arguments: [
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1], partitionEpoch: 6), Int32(1), Int64(100), ErrorCode.invalidUpdateVersion),
        (Item(partition: tp("t", 0), leaderEpoch: 3, newIsr: [1], partitionEpoch: 7), 1, 100, .fencedLeaderEpoch),
        (Item(partition: tp("t", 0), leaderEpoch: 5, newIsr: [1], partitionEpoch: 7), 1, 100, .notController),
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1], partitionEpoch: 8), 1, 100, .notController),
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [2], partitionEpoch: 7), 2, 100, .notLeaderOrFollower),
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1], partitionEpoch: 7), 1, 99, .staleBrokerEpoch),
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [2, 3], partitionEpoch: 7), 1, 100, .invalidRequest),
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1, 4], partitionEpoch: 7), 1, 100, .invalidRequest),
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1, 1], partitionEpoch: 7), 1, 100, .invalidRequest),
        (Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1, 2], leaderRecoveryState: .recovering, partitionEpoch: 7), 1, 100,
         .invalidRequest),
        (Item(partition: tp("t", 9), leaderEpoch: 4, newIsr: [1], partitionEpoch: 7), 1, 100, .unknownTopicOrPartition),
    ])
    func badISRChangesAreRefusedWithKafkasCodes(item: Item, broker: Int32, brokerEpoch: Int64, expected: ErrorCode) {
        var h = elected()
        let actions = h.machine.handle(.isrChangeRequested(request([item], broker: broker, brokerEpoch: brokerEpoch), requestID: 5))
        #expect(H.batch(in: actions) == nil)
        #expect(H.code(H.isrAnswer(5, in: actions)?[item.partition]) == expected)
    }

    @Test func aReplicaThatIsNotAliveCannotJoinTheISR() {
        var h = elected()
        // Broker 3 (not in the ISR) dies: nothing to write.
        #expect(H.batch(in: h.machine.handle(.brokersChanged([h.image.brokers[1], h.image.brokers[2]].compactMap { $0 }))) == nil)
        let actions = h.machine.handle(.isrChangeRequested(
            request([Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1, 2, 3], partitionEpoch: 7)]), requestID: 1))
        #expect(H.code(H.isrAnswer(1, in: actions)?[tp("t", 0)])?.rawValue == 107, "INELIGIBLE_REPLICA")
    }

    @Test func anISRChangeThatLosesARaceAnswersInvalidUpdateVersion() {
        var h = elected()
        let actions = h.machine.handle(.isrChangeRequested(
            request([Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1], partitionEpoch: 7)]), requestID: 1))
        let next = h.complete(actions, failing: [tp("t", 0): .staleVersion("changed")])
        #expect(H.code(H.isrAnswer(1, in: next)?[tp("t", 0)]) == .invalidUpdateVersion)
    }

    @Test func anISRChangeForABusyPartitionWaitsForTheBatchInFlight() throws {
        var h = elected()
        // Broker 2 dies: the controller shrinks the ISR (batch in flight)...
        let loss = h.machine.handle(.brokersChanged([h.image.brokers[1], h.image.brokers[3]].compactMap { $0 }))
        #expect(H.writes(in: loss)[tp("t", 0)]?.state.isr == [1])
        // ...while the leader asks to add broker 3 from what it knew (partition epoch 7).
        let asked = h.machine.handle(.isrChangeRequested(
            request([Item(partition: tp("t", 0), leaderEpoch: 4, newIsr: [1, 2, 3], partitionEpoch: 7)]), requestID: 1))
        #expect(asked.isEmpty)
        // Once the shrink is confirmed, the request is judged against it: stale leader epoch.
        let next = h.complete(loss)
        #expect(H.code(H.isrAnswer(1, in: next)?[tp("t", 0)]) == .fencedLeaderEpoch)
    }

    @Test func controlledShutdownMovesAHundredLeadersInOneBatch() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        let replicas = (0..<100).map { _ in [Int32(1), 2, 3] }
        h.topic("big", replicas, states: replicas.map { _ in H.state(1, [1, 2, 3], epoch: 2, version: 3) })
        h.topic("follow", [[2, 1, 3]], states: [H.state(2, [2, 1, 3])])
        h.topic("single", [[1]], states: [H.state(1, [1])])
        _ = h.elect()
        let actions = h.machine.handle(.controlledShutdownRequested(brokerID: 1, brokerEpoch: 100, requestID: 9))
        let writes = H.writes(in: actions)
        #expect(writes.count == 101, "every leadership of broker 1 and its follower place, in one batch")
        for index in 0..<100 {
            let write = try #require(writes[tp("big", Int32(index))])
            #expect(write.state.leader == 2)
            #expect(write.state.isr == [2, 3])
            #expect(write.state.leaderEpoch == 3)
        }
        #expect(writes[tp("follow", 0)]?.state.isr == [2, 3])
        #expect(writes[tp("single", 0)] == nil, "a single replica cannot move")
        #expect(H.shutdownAnswer(9, in: actions) == nil)
        let next = h.complete(actions)
        #expect(try H.shutdownAnswer(9, in: next)?.get() == [], "nothing movable is still led by broker 1")
        #expect(h.machine.counters.controlledShutdownMoves == 100)
        // While it shuts down it cannot rejoin an ISR.
        let rejoin = h.machine.handle(.isrChangeRequested(
            IsrChangeRequest(brokerID: 2, brokerEpoch: 100, items: [
                Item(partition: tp("big", 0), leaderEpoch: 3, newIsr: [2, 3, 1], partitionEpoch: 4)
            ]), requestID: 10))
        #expect(H.code(H.isrAnswer(10, in: rejoin)?[tp("big", 0)])?.rawValue == 107)
        // Once it is gone and back, it is a normal broker again.
        _ = h.machine.handle(.brokersChanged([h.image.brokers[2], h.image.brokers[3]].compactMap { $0 }))
        #expect(!h.machine.shuttingDown.contains(1))
    }

    @Test func controlledShutdownReportsWhatCouldNotMove() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2]], states: [H.state(1, [1])])
        _ = h.elect()
        let actions = h.machine.handle(.controlledShutdownRequested(brokerID: 1, brokerEpoch: 100, requestID: 3))
        #expect(H.batch(in: actions) == nil)
        #expect(try H.shutdownAnswer(3, in: actions)?.get() == [tp("t", 0)])
    }

    @Test func controlledShutdownChecksTheBroker() {
        var h = elected()
        let stale = h.machine.handle(.controlledShutdownRequested(brokerID: 1, brokerEpoch: 50, requestID: 1))
        let unknown = h.machine.handle(.controlledShutdownRequested(brokerID: 9, brokerEpoch: 100, requestID: 2))
        guard case .failure(let staleError)? = H.shutdownAnswer(1, in: stale),
            case .failure(let unknownError)? = H.shutdownAnswer(2, in: unknown)
        else {
            Issue.record("both must be refused")
            return
        }
        #expect(staleError.code == .staleBrokerEpoch)
        #expect(unknownError.code == .brokerNotAvailable)
    }

    @Test func leadershipReturnsToPreferredReplicasAboveTheImbalanceThreshold() throws {
        var h = H()
        for id: Int32 in [1, 2] { h.broker(id) }
        // Broker 1 prefers 4 partitions; after its return it is in sync but leads none.
        h.topic("t", [[1, 2], [1, 2], [1, 2], [1, 2], [2, 1]],
                states: [H.state(2, [2, 1]), H.state(2, [2, 1]), H.state(2, [2]), H.state(2, [2, 1]), H.state(2, [2, 1])])
        _ = h.elect()
        let actions = h.machine.handle(.preferredLeaderCheck)
        let writes = H.writes(in: actions)
        #expect(Set(writes.keys) == [tp("t", 0), tp("t", 1), tp("t", 3)], "not t-2 (1 not in sync) nor t-4 (2 preferred)")
        #expect(writes.values.allSatisfy { $0.state.leader == 1 && $0.state.leaderEpoch == 1 })
        _ = h.complete(actions)
        #expect(h.machine.counters.preferredElections == 3)
        // 1 of 4 misplaced = 25% > 10%, but t-2's preferred replica is not in sync: no move.
        #expect(H.batch(in: h.machine.handle(.preferredLeaderCheck)) == nil)
    }

    @Test func smallImbalancesAndADisabledRebalanceMoveNothing() {
        var tolerant = H(config: ControllerConfig(brokerID: 1, leaderImbalancePerBrokerPercentage: 50))
        var disabled = H(config: ControllerConfig(brokerID: 1, autoLeaderRebalanceEnable: false))
        for h in [0, 1] {
            var harness = h == 0 ? tolerant : disabled
            for id: Int32 in [1, 2] { harness.broker(id) }
            harness.topic("t", [[1, 2], [1, 2], [1, 2], [1, 2]],
                          states: [H.state(2, [2, 1]), H.state(1, [1, 2]), H.state(1, [1, 2]), H.state(1, [1, 2])])
            _ = harness.elect()
            #expect(H.batch(in: harness.machine.handle(.preferredLeaderCheck)) == nil)
            if h == 0 { tolerant = harness } else { disabled = harness }
        }
    }

    @Test func deletingATopicAnswersItsQueuedISRChanges() {
        var h = elected()
        let loss = h.machine.handle(.brokersChanged([h.image.brokers[1], h.image.brokers[3]].compactMap { $0 }))
        _ = h.machine.handle(.isrChangeRequested(
            request([Item(partition: tp("t", 0), leaderEpoch: 5, newIsr: [1, 3], partitionEpoch: 8)]), requestID: 4))
        let deleted = h.machine.handle(.topicDeleted("t"))
        #expect(H.code(H.isrAnswer(4, in: deleted)?[tp("t", 0)]) == .unknownTopicOrPartition)
        _ = h.complete(loss)
    }
}

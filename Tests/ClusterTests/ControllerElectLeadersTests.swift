import KafkaProtocol
import LogStorage
import Testing

@testable import Cluster

/// ElectLeaders in the controller, without I/O: Kafka's answers for preferred and unclean
/// elections, all partitions at once, and a controller that is not one.
@Suite struct ControllerElectLeadersTests {
    typealias H = ControllerHarness

    static func answer(_ requestID: UInt64, in actions: [ControllerAction]) -> LeaderElectionResult? {
        for case .answerElectLeaders(requestID, let result) in actions { return result }
        return nil
    }

    static func code(_ result: Result<Int32, ClusterError>?) -> ErrorCode? {
        guard case .failure(let error)? = result else { return nil }
        return error.code
    }

    @Test func preferredElections() throws {
        var h = H(config: ControllerConfig(brokerID: 1, autoLeaderRebalanceEnable: false))
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1, 2], [2, 1], [3, 1]], states: [
            H.state(2, [2, 1], epoch: 3, version: 4),  // 1 is in sync: it takes over
            H.state(2, [2, 1]),  // 2 leads already
            H.state(1, [1]),  // 3 is not in sync
        ])
        _ = h.elect()
        let partitions = [tp("t", 0), tp("t", 1), tp("t", 2), tp("t", 9), tp("nope", 0)]
        let actions = h.machine.handle(.electLeadersRequested(.init(type: .preferred, partitions: partitions), requestID: 7))
        #expect(Self.answer(7, in: actions) == nil)
        #expect(Set(H.writes(in: actions).keys) == [tp("t", 0)])
        let results = try #require(try Self.answer(7, in: h.complete(actions))?.get())
        #expect(try results[tp("t", 0)]?.get() == 1)
        #expect(Self.code(results[tp("t", 1)]) == .electionNotNeeded)
        #expect(Self.code(results[tp("t", 2)]) == .preferredLeaderNotAvailable)
        #expect(Self.code(results[tp("t", 9)]) == .unknownTopicOrPartition)
        #expect(Self.code(results[tp("nope", 0)]) == .unknownTopicOrPartition)
        #expect(results.count == 5)
    }

    @Test func aPreferredElectionIsWrittenThenAnswered() throws {
        var h = H(config: ControllerConfig(brokerID: 1, autoLeaderRebalanceEnable: false))
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2]], states: [H.state(2, [2, 1], epoch: 3, version: 4)])
        _ = h.elect()
        let actions = h.machine.handle(.electLeadersRequested(.init(type: .preferred, partitions: [tp("t", 0)]), requestID: 1))
        #expect(Self.answer(1, in: actions) == nil, "answered once written")
        let write = try #require(H.writes(in: actions)[tp("t", 0)])
        #expect(write.state.leader == 1)
        #expect(write.state.isr == [2, 1])
        #expect(write.state.leaderEpoch == 4)
        let next = h.complete(actions)
        let results = try #require(try Self.answer(1, in: next)?.get())
        #expect(try results[tp("t", 0)]?.get() == 1)
        #expect(h.machine.counters.preferredElections == 1)
    }

    @Test func uncleanElections() throws {
        var h = H()
        for id: Int32 in [1, 2, 3] { h.broker(id) }
        h.topic("t", [[1, 2], [2, 3], [1]], states: [H.state(1, [1]), H.state(2, [2, 3]), H.state(1, [1])])
        _ = h.elect()
        // Broker 1 dies: partitions 0 and 2 go offline (no other replica in sync; unclean off).
        let lost = h.machine.handle(.brokersChanged([h.image.brokers[2], h.image.brokers[3]].compactMap { $0 }))
        _ = h.complete(lost)
        #expect(h.machine.image.partitions[tp("t", 0)]?.hasLeader == false)

        let actions = h.machine.handle(.electLeadersRequested(.init(type: .unclean, partitions: nil), requestID: 3))
        let write = try #require(H.writes(in: actions)[tp("t", 0)])
        #expect(write.state.leader == 2, "a live replica outside the ISR: the admin asked for it")
        #expect(write.state.isr == [2])
        #expect(write.state.leaderRecoveryState == .recovering)
        #expect(H.writes(in: actions).count == 1)
        let next = h.complete(actions)
        let results = try #require(try Self.answer(3, in: next)?.get())
        #expect(try results[tp("t", 0)]?.get() == 2)
        #expect(Self.code(results[tp("t", 1)]) == .electionNotNeeded, "2 is alive and leads")
        #expect(Self.code(results[tp("t", 2)]) == .eligibleLeadersNotAvailable, "its only replica is dead")
        #expect(h.machine.counters.uncleanElections == 1)
    }

    @Test func aBusyPartitionWaitsForTheNextBatch() throws {
        var h = H(config: ControllerConfig(brokerID: 1, autoLeaderRebalanceEnable: false))
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2]], states: [H.state(2, [2])])
        _ = h.elect()
        // The leader's ISR expansion is in flight when the election arrives.
        let expanding = h.leaderAsksIsr(tp("t", 0), [2, 1], requestID: 1)
        let queued = h.machine.handle(.electLeadersRequested(.init(type: .preferred, partitions: [tp("t", 0)]), requestID: 2))
        #expect(queued.isEmpty)
        let afterIsr = h.complete(expanding)
        let write = try #require(H.writes(in: afterIsr)[tp("t", 0)], "decided on the confirmed ISR [2, 1]")
        #expect(write.state.leader == 1)
        let done = h.complete(afterIsr)
        #expect(try Self.answer(2, in: done)?.get()[tp("t", 0)]?.get() == 1)
    }

    @Test func notTheControllerOrNoLongerTheController() throws {
        var h = H(config: ControllerConfig(brokerID: 1, autoLeaderRebalanceEnable: false))
        for id: Int32 in [1, 2] { h.broker(id) }
        h.topic("t", [[1, 2]], states: [H.state(2, [2, 1])])
        let refused = h.machine.handle(.electLeadersRequested(.init(type: .preferred, partitions: nil), requestID: 1))
        #expect(Self.failure(Self.answer(1, in: refused))?.code == .notController)

        _ = h.elect()
        let writing = h.machine.handle(.electLeadersRequested(.init(type: .preferred, partitions: nil), requestID: 2))
        #expect(H.writes(in: writing)[tp("t", 0)] != nil)
        // Deposed while the write is in flight: the request is answered, not left hanging.
        let resigned = h.machine.handle(.resigned)
        #expect(Self.failure(Self.answer(2, in: resigned))?.code == .notController)
    }

    static func failure(_ result: LeaderElectionResult?) -> ClusterError? {
        if case .failure(let error)? = result { return error }
        return nil
    }
}

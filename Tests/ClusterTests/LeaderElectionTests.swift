import Testing

@testable import Cluster

/// Leader and ISR decisions for one partition, without I/O.
@Suite struct LeaderElectionTests {
    typealias Liveness = LeaderElection.Liveness

    func state(leader: Int32, epoch: Int32 = 5, isr: [Int32]) -> PartitionState {
        PartitionState(leader: leader, leaderEpoch: epoch, isr: isr, controllerEpoch: 1, partitionEpoch: 9)
    }

    @Test func aDeadLeaderIsReplacedByTheFirstLiveISRReplicaInAssignmentOrder() throws {
        let target = try #require(LeaderElection.target(
            state(leader: 1, isr: [1, 3, 2]), replicas: [1, 2, 3], liveness: Liveness(live: [2, 3]), uncleanAllowed: false))
        #expect(target.state.leader == 2, "assignment order, not ISR order")
        #expect(target.state.isr == [3, 2])
        #expect(target.change == .cleanElection)
        #expect(target.state.leaderEpoch == 5, "epochs are set by nextState")
    }

    @Test func aLiveReplicaOutsideTheISRNeverLeadsCleanly() throws {
        let target = try #require(LeaderElection.target(
            state(leader: 1, isr: [1]), replicas: [1, 2, 3], liveness: Liveness(live: [2, 3]), uncleanAllowed: false))
        #expect(target.state.leader == PartitionState.noLeader)
        #expect(target.state.isr == [1], "the last ISR member stays, to lead again when it returns")
        #expect(target.change == .offline)
        // Nothing changes while it stays away.
        #expect(LeaderElection.target(target.state, replicas: [1, 2, 3], liveness: Liveness(live: [2, 3]), uncleanAllowed: false) == nil)
        // When it returns, it leads again.
        let back = try #require(LeaderElection.target(
            target.state, replicas: [1, 2, 3], liveness: Liveness(live: [1, 2, 3]), uncleanAllowed: false))
        #expect(back.state.leader == 1)
        #expect(back.state.isr == [1])
    }

    @Test func uncleanElectionPicksALiveReplicaAndMarksItRecovering() throws {
        let target = try #require(LeaderElection.target(
            state(leader: 1, isr: [1]), replicas: [1, 3, 2], liveness: Liveness(live: [2, 3]), uncleanAllowed: true))
        #expect(target.state.leader == 3)
        #expect(target.state.isr == [3])
        #expect(target.state.leaderRecoveryState == .recovering)
        #expect(target.change == .uncleanElection)
        // Unclean is the last resort: an ISR member wins when there is one.
        let clean = try #require(LeaderElection.target(
            state(leader: 1, isr: [1, 2]), replicas: [1, 3, 2], liveness: Liveness(live: [2, 3]), uncleanAllowed: true))
        #expect(clean.state.leader == 2)
        #expect(clean.change == .cleanElection)
    }

    @Test func deadFollowersLeaveTheISR() throws {
        let target = try #require(LeaderElection.target(
            state(leader: 1, isr: [1, 2, 3]), replicas: [1, 2, 3], liveness: Liveness(live: [1, 3]), uncleanAllowed: false))
        #expect(target.state.leader == 1)
        #expect(target.state.isr == [1, 3])
        #expect(target.change == .isrShrink)
        #expect(LeaderElection.target(
            state(leader: 1, isr: [1, 3]), replicas: [1, 2, 3], liveness: Liveness(live: [1, 3]), uncleanAllowed: false) == nil)
    }

    @Test func aShuttingDownLeaderHandsOverToAnISRReplica() throws {
        let liveness = Liveness(live: [1, 2, 3], shuttingDown: [1])
        let target = try #require(LeaderElection.target(
            state(leader: 1, isr: [1, 2, 3]), replicas: [1, 2, 3], liveness: liveness, uncleanAllowed: false))
        #expect(target.state.leader == 2)
        #expect(target.state.isr == [2, 3])
        #expect(target.change == .controlledShutdown)
        // With no one in sync to take over, it keeps leading (and its followers go).
        let alone = try #require(LeaderElection.target(
            state(leader: 1, isr: [1, 3]), replicas: [1, 2, 3], liveness: Liveness(live: [1, 2, 3], shuttingDown: [1, 3]),
            uncleanAllowed: false))
        #expect(alone.state.leader == 1)
        #expect(alone.state.isr == [1])
        // A single replica cannot move at all.
        #expect(LeaderElection.target(
            state(leader: 1, isr: [1]), replicas: [1], liveness: liveness, uncleanAllowed: false) == nil)
    }

    @Test func aShuttingDownFollowerLeavesTheISR() throws {
        let target = try #require(LeaderElection.target(
            state(leader: 2, isr: [2, 1, 3]), replicas: [1, 2, 3], liveness: Liveness(live: [1, 2, 3], shuttingDown: [1]),
            uncleanAllowed: false))
        #expect(target.state.leader == 2)
        #expect(target.state.isr == [2, 3])
    }

    @Test func aBouncedBrokerLosesItsLeadershipAndISRPlace() {
        // Broker 1 led with 2 in sync, and came back with a new epoch: 2 leads, 1 must catch up.
        let moved = LeaderElection.afterBounce(
            state(leader: 1, isr: [1, 2]), replicas: [1, 2], failed: [1], liveness: Liveness(live: [1, 2]), uncleanAllowed: false)
        #expect(moved.state.leader == 2)
        #expect(moved.state.isr == [2])
        // Alone in the ISR, it leads again, but at a new leader epoch (the write always happens).
        let alone = LeaderElection.afterBounce(
            state(leader: 1, isr: [1]), replicas: [1, 2], failed: [1], liveness: Liveness(live: [1, 2]), uncleanAllowed: false)
        #expect(alone.state.leader == 1)
        #expect(alone.state.isr == [1])
    }

    @Test func newPartitionsStartWithEveryEligibleReplicaInSync() {
        let initial = LeaderElection.initialState(
            replicas: [3, 1, 2], liveness: Liveness(live: [1, 2, 3], shuttingDown: [3]), controllerEpoch: 4)
        #expect(initial == PartitionState(leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 4))
        #expect(LeaderElection.initialState(replicas: [3], liveness: Liveness(live: [1]), controllerEpoch: 4) == nil)
    }

    @Test func preferredLeadershipReturnsOnlyToAnInSyncPreferredReplica() {
        let led = state(leader: 2, isr: [2, 1])
        #expect(LeaderElection.preferred(led, replicas: [1, 2], liveness: Liveness(live: [1, 2]))?.leader == 1)
        #expect(LeaderElection.preferred(state(leader: 2, isr: [2]), replicas: [1, 2], liveness: Liveness(live: [1, 2])) == nil)
        #expect(LeaderElection.preferred(led, replicas: [1, 2], liveness: Liveness(live: [1, 2], shuttingDown: [1])) == nil)
        #expect(LeaderElection.preferred(state(leader: 1, isr: [1, 2]), replicas: [1, 2], liveness: Liveness(live: [1, 2])) == nil)
    }

    @Test func nextStateRaisesTheLeaderEpochByOne() {
        var target = state(leader: 2, isr: [2])
        target.leaderEpoch = 99
        let next = LeaderElection.nextState(from: state(leader: 1, isr: [1, 2]), to: target, controllerEpoch: 7)
        #expect(next.leaderEpoch == 6)
        #expect(next.controllerEpoch == 7)
        #expect(next.partitionEpoch == 9, "the expected version of the conditional write")
    }

    @Test func topicConfigOverridesTheUncleanDefault() {
        let strict = ControllerConfig(brokerID: 1)
        #expect(!strict.uncleanAllowed(topicConfigs: nil))
        #expect(strict.uncleanAllowed(topicConfigs: ["unclean.leader.election.enable": "true"]))
        let loose = ControllerConfig(brokerID: 1, uncleanLeaderElectionEnable: true)
        #expect(!loose.uncleanAllowed(topicConfigs: ["unclean.leader.election.enable": "false"]))
        #expect(loose.uncleanAllowed(topicConfigs: [:]))
    }
}

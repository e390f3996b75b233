import Foundation
import KafkaProtocol
import LogStorage
import Testing
import TestSupport

@testable import Cluster

/// Reassignment and admin elections carried out by real controller runners, on a real ZooKeeper
/// and on the embedded backend. The nodes have no replicas; the test plays the leader's ISR
/// changes (AlterPartition) itself.
@Suite(.sharedZooKeeper, .serialized) struct ControllerRunnerReassignmentTests {
    @Test(arguments: Backend.allCases)
    func aPartitionGrowsShrinksAndElectsThroughTheController(_ backend: Backend) async throws {
        let cluster = try await NodeCluster.start(backend, server: SharedZooKeeper.server)
        do {
            try await reassign(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    /// The partition's state once `ready` holds for it, as node 1 sees it.
    private func state(_ cluster: NodeCluster, _ partition: TopicPartition, _ ready: @escaping @Sendable (TopicAssignment, PartitionState) -> Bool)
        async throws -> PartitionState
    {
        try #require(await eventually(within: 30) { () -> PartitionState? in
            let image = await cluster.image(1)
            guard let topic = image.topics[partition.topic], let state = image.partitions[partition], ready(topic, state) else { return nil }
            return state
        })
    }

    /// The leader asks the controller for `isr`, as its broker would once the replicas caught up.
    private func leaderAsks(_ cluster: NodeCluster, _ partition: TopicPartition, _ state: PartitionState, isr: [Int32]) async throws {
        let leader = try #require(cluster.node(state.leader))
        let epoch = await leader.registration.epoch
        let item = IsrChangeRequest.Item(partition: partition, leaderEpoch: state.leaderEpoch, newIsr: isr, partitionEpoch: state.partitionEpoch)
        let result = await leader.changeIsr(IsrChangeRequest(brokerID: state.leader, brokerEpoch: epoch, items: [item]))
        let written = try #require(try result[partition]?.get())
        #expect(written.isr == isr)
    }

    private func reassign(_ cluster: NodeCluster) async throws {
        _ = try #require(await eventually { await cluster.activeController() })
        let created = try await cluster.createTopic("moving", partitions: 1, replicationFactor: 1)
        let partition = TopicPartition(topic: "moving", partition: 0)
        let first = try await state(cluster, partition) { _, state in state.hasLeader }
        let origin = first.leader
        let others = [Int32]([1, 2, 3]).filter { $0 != origin }

        // Grow to three: the controller raises the leader epoch for the new replica set.
        var grown = try #require(try await cluster.admin.topic("moving", watch: nil))
        #expect(grown.topicID == created.topicID)
        grown.reassign(partition: 0, to: [origin] + others)
        _ = try await cluster.admin.updateTopicAssignment(grown)
        let bumped = try await state(cluster, partition) { topic, state in
            topic.partitions == [[origin] + others] && state.leaderEpoch > first.leaderEpoch
        }
        #expect(bumped.leader == origin)
        #expect(bumped.isr == [origin])

        // The new replicas caught up: the controller completes the move (RS = TRS, fenced).
        try await leaderAsks(cluster, partition, bumped, isr: [origin] + others)
        let stored = try #require(await eventually(within: 30) { () -> TopicAssignment? in
            let topic = try? await cluster.admin.topic("moving", watch: nil)
            return topic?.reassignments.isEmpty == true ? topic : nil
        })
        #expect(stored.partitions == [[origin] + others])

        // Reordered: the preferred replica is in sync but does not lead until elected.
        var reordered = stored
        reordered.reassign(partition: 0, to: others + [origin])
        _ = try await cluster.admin.updateTopicAssignment(reordered)
        _ = try await state(cluster, partition) { topic, _ in topic.partitions == [others + [origin]] }
        let node = try #require(cluster.node(others[1]))
        let elected = try await node.electLeaders(LeaderElectionRequest(type: .preferred, partitions: [partition])).get()
        #expect(try elected[partition]?.get() == others[0])
        let afterElection = try await state(cluster, partition) { _, state in state.leader == others[0] }
        let again = try await node.electLeaders(LeaderElectionRequest(type: .preferred, partitions: [partition])).get()
        #expect(Self.code(again[partition]) == .electionNotNeeded)

        // Shrink onto a replica that does not lead: leadership moves first, then the others go.
        var shrunk = try #require(try await cluster.admin.topic("moving", watch: nil))
        shrunk.reassign(partition: 0, to: [origin])
        _ = try await cluster.admin.updateTopicAssignment(shrunk)
        let final = try await state(cluster, partition) { topic, state in
            topic.partitions == [[origin]] && topic.reassignments.isEmpty && state.isr == [origin]
        }
        #expect(final.leader == origin)
        #expect(final.leaderEpoch > afterElection.leaderEpoch + 1, "one epoch to move leadership, one for the smaller set")
    }

    static func code(_ result: Result<Int32, ClusterError>?) -> KafkaProtocol.ErrorCode? {
        guard case .failure(let error)? = result else { return nil }
        return error.code
    }
}

import Foundation
import LogStorage
import Testing
import TestSupport

@testable import Cluster

/// Three cluster nodes (each: a metadata session, registration, follower and controller runner)
/// against a real ZooKeeper and against the embedded backend. Times are printed, not asserted.
@Suite(.sharedZooKeeper, .serialized) struct ControllerRunnerTests {
    @Test(arguments: Backend.allCases)
    func aDeadControllersOfficeAndLeadershipsMoveToTheSurvivors(_ backend: Backend) async throws {
        let cluster = try await NodeCluster.start(
            backend, server: SharedZooKeeper.server,
            config: { ControllerConfig(brokerID: $0, leaderImbalanceCheckInterval: .milliseconds(500)) })
        do {
            try await failover(cluster)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    private func failover(_ cluster: NodeCluster) async throws {
        let victim = try #require(await eventually { await cluster.activeController() })
        let survivor: Int32 = victim == 1 ? 2 : 1
        let topic = try await cluster.createTopic("orders", partitions: 6, replicationFactor: 3)
        let before = try #require(await eventually { () -> MetadataImage? in
            let image = await cluster.image(survivor)
            let ready = topic.topicPartitions.allSatisfy { image.partitions[$0]?.isr.count == 3 }
            return ready ? image : nil
        })
        let led = topic.topicPartitions.filter { before.partitions[$0]?.leader == victim }
        #expect(led.count == 2, "round-robin: each of 3 brokers prefers 2 of 6 partitions")
        let victimEpoch = try #require(before.brokers[victim]).epoch

        // The controller's broker dies: its metadata session is cut off (ZooKeeper expires it
        // after the session timeout) or declared dead (embedded).
        let start = ContinuousClock.now
        try await cluster.killSession(of: victim)
        let successor = try #require(await eventually(within: 30) { () -> Int32? in
            for node in cluster.nodes where node.brokerID != victim {
                if let runner = await node.controller, await runner.isActive { return node.brokerID }
            }
            return nil
        })
        let elected = ContinuousClock.now - start
        let after = try #require(await eventually(within: 30) { () -> MetadataImage? in
            let image = await cluster.image(survivor)
            let done = topic.topicPartitions.allSatisfy { partition in
                guard let state = image.partitions[partition], let old = before.partitions[partition] else { return false }
                return state.hasLeader && state.leader != victim && !state.isr.contains(victim)
                    && (old.leader != victim || state.leaderEpoch > old.leaderEpoch)
            }
            return done ? image : nil
        })
        let moved = ContinuousClock.now - start
        for partition in led {
            let old = try #require(before.partitions[partition])
            let new = try #require(after.partitions[partition])
            #expect(old.isr.contains(new.leader), "\(partition): the new leader comes from the old ISR")
            let replicas = try #require(after.replicas(of: partition))
            #expect(new.leader == replicas.first { $0 != victim }, "\(partition): the first live ISR replica in assignment order")
            #expect(new.leaderEpoch == old.leaderEpoch + 1)
        }
        #expect(after.controller?.brokerID == successor)
        print(
            "[cluster failover] backend=\(cluster.backend.rawValue) controller \(victim) -> \(successor) after \(elected.milliseconds) ms; "
                + "\(led.count) of its leaderships re-elected from the ISR, all ISRs shrunk, after \(moved.milliseconds) ms")

        // It comes back with a new broker epoch: a replica again, in no ISR until its leaders say so.
        try await cluster.reconnect(victim)
        let rejoined = try #require(await eventually(within: 30) { () -> MetadataImage? in
            let image = await cluster.image(survivor)
            return (image.brokers[victim]?.epoch ?? Int64.min) > victimEpoch ? image : nil
        })
        #expect(topic.topicPartitions.allSatisfy { rejoined.partitions[$0]?.isr.contains(victim) == false })

        // Its leaders add it back (what a leader's replica manager does once it caught up; like
        // Kafka's AlterPartitionManager it retries while the controller has not seen the broker
        // return yet, INELIGIBLE_REPLICA).
        for partition in topic.topicPartitions {
            let state = try #require(rejoined.partitions[partition])
            let leader = try #require(cluster.node(state.leader))
            let epoch = await leader.registration.epoch
            let request = IsrChangeRequest(brokerID: state.leader, brokerEpoch: epoch, items: [
                .init(partition: partition, leaderEpoch: state.leaderEpoch, newIsr: state.isr + [victim], partitionEpoch: state.partitionEpoch)
            ])
            let written = try #require(await eventually(within: 10) { () -> PartitionState? in
                try? await leader.changeIsr(request)[partition]?.get()
            })
            #expect(written.isr.contains(victim))
            #expect(written.partitionEpoch > state.partitionEpoch)
        }

        // And auto.leader.rebalance hands its preferred partitions back to it.
        let balanced = try #require(await eventually(within: 30) { () -> MetadataImage? in
            let image = await cluster.image(survivor)
            return led.allSatisfy { image.partitions[$0]?.leader == victim } ? image : nil
        })
        #expect(led.allSatisfy { balanced.partitions[$0]?.isr.count == 3 })
    }

    @Test(arguments: Backend.allCases)
    func controlledShutdownMovesAHundredLeadersInOnePass(_ backend: Backend) async throws {
        let cluster = try await NodeCluster.start(backend, server: SharedZooKeeper.server)
        do {
            _ = try #require(await eventually { await cluster.activeController() })
            let replicas = (0..<100).map { _ in [Int32(1), 2, 3] }
            let topic = try await cluster.admin.createTopic(
                TopicAssignment(name: "drain", topicID: .random(), partitions: replicas), configs: [:])
            let node = try #require(cluster.node(1))
            let ready = await eventually { () -> Bool? in
                let image = await node.follower?.image ?? MetadataImage()
                return topic.topicPartitions.allSatisfy { image.partitions[$0]?.leader == 1 && image.partitions[$0]?.isr.count == 3 }
                    ? true : nil
            }
            try #require(ready == true, "broker 1 leads all 100 partitions with full ISRs")
            let start = ContinuousClock.now
            let result = await node.controlledShutdown()
            let elapsed = ContinuousClock.now - start
            #expect(try result.get() == [], "no leadership left that could move")
            let image = try #require(await eventually { () -> MetadataImage? in
                let image = await cluster.image(2)
                return topic.topicPartitions.allSatisfy { image.partitions[$0]?.leader == 2 } ? image : nil
            })
            let seen = ContinuousClock.now - start
            for partition in topic.topicPartitions {
                let state = try #require(image.partitions[partition])
                #expect(state.leader == 2)
                #expect(state.isr == [2, 3])
            }
            print(
                "[cluster controlled shutdown] backend=\(backend.rawValue) moved 100 leaders off broker 1 in \(elapsed.milliseconds) ms "
                    + "(answered); broker 2's follower saw all of them after \(seen.milliseconds) ms")
            await node.stop()
            #expect(await eventually { await cluster.image(2).brokers[1] == nil ? true : nil } == true)
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }

    @Test(arguments: Backend.allCases)
    func aStoppingControllerHandsOverAtOnce(_ backend: Backend) async throws {
        let cluster = try await NodeCluster.start(backend, server: SharedZooKeeper.server)
        do {
            let first = try #require(await eventually { await cluster.activeController() })
            let start = ContinuousClock.now
            await cluster.node(first)?.stop()
            let next = try #require(await eventually { await cluster.activeController() })
            #expect(next != first)
            let epoch = await cluster.image(next).controller?.epoch
            print(
                "[cluster handover] backend=\(backend.rawValue) controller \(first) stopped, \(next) elected "
                    + "(epoch \(epoch ?? -1)) after \((ContinuousClock.now - start).milliseconds) ms")
        } catch {
            await cluster.stop()
            throw error
        }
        await cluster.stop()
    }
}

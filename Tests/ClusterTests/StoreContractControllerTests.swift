import Testing

@testable import Cluster

extension StoreContractTests {
    @Suite struct ControllerAndStates {
        @Test(arguments: Backend.allCases)
        func partitionStatesChangeOnlyFromTheVersionRead(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let store = try await sessions.open()
                _ = try await store.createTopic(topic("cas", [[1, 2]]), configs: [:])
                let fence = try #require(try await store.elect(brokerID: 1))
                let partition = tp("cas", 0)
                let initial = PartitionState(leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: fence.epoch)

                let created = try await store.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: initial, expectedPartitionEpoch: -1)], fence: fence)[partition]?.get()
                #expect(created?.partitionEpoch == 0)
                #expect(try await store.partitionState(partition, watch: nil) == created)

                var shrunk = initial
                shrunk.isr = [1]
                let updated = try await store.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: shrunk, expectedPartitionEpoch: 0)], fence: fence)[partition]?.get()
                #expect(updated?.partitionEpoch == 1)
                #expect(updated?.isr == [1])

                // From the stale version 0 again: refused, nothing changes.
                var moved = shrunk
                moved.leader = 2
                moved.leaderEpoch = 1
                moved.isr = [2]
                let stale = await store.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: moved, expectedPartitionEpoch: 0)], fence: fence)
                #expect(Self.reason(stale[partition]) == .staleVersion)
                let recreate = await store.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: moved, expectedPartitionEpoch: -1)], fence: fence)
                #expect(Self.reason(recreate[partition]) == .alreadyExists)
                let noTopic = await store.writePartitionStates(
                    [PartitionStateWrite(partition: tp("ghost", 0), state: moved, expectedPartitionEpoch: -1)], fence: fence)
                #expect(Self.reason(noTopic[tp("ghost", 0)]) == .notFound)
                #expect(try await store.partitionState(partition, watch: nil) == updated)

                // Writes are independent: one stale write does not stop another.
                let mixed = await store.writePartitionStates(
                    [
                        PartitionStateWrite(partition: partition, state: moved, expectedPartitionEpoch: 1),
                        PartitionStateWrite(partition: tp("ghost", 1), state: moved, expectedPartitionEpoch: 3),
                    ], fence: fence)
                #expect(try mixed[partition]?.get().leader == 2)
                #expect(try mixed[partition]?.get().controllerEpoch == fence.epoch)
                #expect(Self.reason(mixed[tp("ghost", 1)]) == .notFound)
            }
        }

        @Test(arguments: Backend.allCases)
        func oneControllerAtATimeWithARisingEpoch(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let one = try await sessions.open()
                let two = try await sessions.open()
                #expect(try await two.controller(watch: nil) == nil)
                let first = try #require(try await one.elect(brokerID: 1))
                #expect(first.brokerID == 1)
                #expect(try await two.elect(brokerID: 2) == nil)
                #expect(try await one.elect(brokerID: 1) == first, "electing again while in office returns the same fence")
                let seen = try #require(try await two.controller(watch: nil))
                #expect(seen.brokerID == 1)
                #expect(seen.epoch == first.epoch)

                let watch = two.makeWatch()
                let changes = ChangeRecorder(watch)
                _ = try await two.controller(watch: watch)
                await one.close()
                #expect(await changes.take(.controller))
                #expect(try await two.controller(watch: nil) == nil)
                let second = try #require(try await two.elect(brokerID: 2))
                #expect(second.epoch == first.epoch + 1)
                #expect(try await two.controller(watch: nil)?.brokerID == 2)
            }
        }

        @Test(arguments: Backend.allCases)
        func aDeposedControllersWritesAreRefused(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let old = try await sessions.open()
                let new = try await sessions.open()
                _ = try await old.createTopic(topic("fenced", [[1, 2]]), configs: [:])
                let oldFence = try #require(try await old.elect(brokerID: 1))
                let partition = tp("fenced", 0)
                let state = PartitionState(leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: oldFence.epoch)
                _ = try await old.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: state, expectedPartitionEpoch: -1)], fence: oldFence)[partition]?.get()

                // The old controller resigns (its session lives on) and another is elected.
                try await old.resign(oldFence)
                let newFence = try #require(try await new.elect(brokerID: 2))
                #expect(newFence.epoch > oldFence.epoch)
                try await old.resign(oldFence)  // a stale resignation does not unseat the new controller
                #expect(try await old.controller(watch: nil)?.brokerID == 2)

                var takeover = state
                takeover.leader = 1
                takeover.leaderEpoch = 5
                let refused = await old.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: takeover, expectedPartitionEpoch: 0)], fence: oldFence)
                #expect(Self.reason(refused[partition]) == .controllerMoved)
                let refusedCreate = await old.writePartitionStates(
                    [PartitionStateWrite(partition: tp("fenced", 9), state: takeover, expectedPartitionEpoch: -1)], fence: oldFence)
                #expect(Self.reason(refusedCreate[tp("fenced", 9)]) == .controllerMoved)
                #expect(try await new.partitionState(partition, watch: nil)?.leaderEpoch == 0)

                var moved = state
                moved.leader = 2
                moved.leaderEpoch = 1
                let accepted = try await new.writePartitionStates(
                    [PartitionStateWrite(partition: partition, state: moved, expectedPartitionEpoch: 0)], fence: newFence)[partition]?.get()
                #expect(accepted?.controllerEpoch == newFence.epoch)
                #expect(try await old.elect(brokerID: 1) == nil)
            }
        }

        static func reason(_ result: Result<PartitionState, ClusterError>?) -> ClusterError.Reason? {
            guard case .failure(let error)? = result else { return nil }
            return error.reason
        }
    }
}

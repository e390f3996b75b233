import Testing

@testable import Cluster

/// The MetadataStore contract, run against both backends: ZooKeeper (a real Debian ZooKeeper
/// started for the suite; each test under its own chroot) and the embedded backend. The nested
/// suites in StoreContract*Tests.swift hold the cases.
@Suite(.sharedZooKeeper) struct StoreContractTests {}

extension StoreContractTests {
    @Suite struct Brokers {
        @Test(arguments: Backend.allCases)
        func registrationsAreListedAndEndWithTheSession(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let one = try await sessions.open()
                let two = try await sessions.open()
                let observer = try await sessions.open()
                var endpoints = broker(1, rack: "r1").endpoints
                endpoints.append(BrokerEndpoint(listener: "SSL", host: "10.0.0.1", port: 9093, securityProtocol: "SSL"))
                let registered = try await one.registerBroker(BrokerRegistration(id: 1, rack: "r1", endpoints: endpoints))
                _ = try await two.registerBroker(broker(2))
                #expect(registered.epoch > 0)
                #expect(registered.timestamp > 0)

                let live = try await observer.liveBrokers(watch: nil)
                #expect(live.map(\.id) == [1, 2])
                #expect(live.first == registered)
                #expect(live.first?.endpoints == endpoints)
                #expect(live.last?.rack == nil)

                let watch = observer.makeWatch()
                let changes = ChangeRecorder(watch)
                _ = try await observer.liveBrokers(watch: watch)
                await one.close()
                #expect(await changes.take(.brokers))
                #expect(try await observer.liveBrokers(watch: nil).map(\.id) == [2])
                #expect(!one.isSessionAlive)
                #expect(await one.sessionEnded() == .closed)
            }
        }

        @Test(arguments: Backend.allCases)
        func anExpiredSessionLosesItsRegistrationAndRefusesCalls(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let doomed = try await sessions.open()
                let observer = try await sessions.open()
                _ = try await doomed.registerBroker(broker(7))
                try await sessions.expire(doomed)
                #expect(await doomed.sessionEnded() == .expired)
                #expect(try await observer.liveBrokers(watch: nil).isEmpty)
                await expectFailure(.sessionEnded) { () async throws(ClusterError) in try await doomed.liveBrokers(watch: nil) }
                await expectFailure(.sessionEnded) { () async throws(ClusterError) in try await doomed.registerBroker(broker(7)) }
            }
        }

        @Test(arguments: Backend.allCases)
        func aLiveIDCannotBeRegisteredTwice(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let holder = try await sessions.open()
                let intruder = try await sessions.open()
                let first = try await holder.registerBroker(broker(3))
                await expectFailure(.brokerIDInUse) { () async throws(ClusterError) in try await intruder.registerBroker(broker(3)) }
                // The holder may register again (after a lost connection, say): same epoch.
                let again = try await holder.registerBroker(broker(3, port: 19092))
                #expect(again.epoch == first.epoch)
                #expect(try await intruder.liveBrokers(watch: nil).first?.endpoints.first?.port == 19095)

                await holder.close()
                let second = try await intruder.registerBroker(broker(3))
                #expect(second.epoch > first.epoch, "a new registration gets a larger broker epoch")
            }
        }

        @Test(arguments: Backend.allCases)
        func unregisteringLeavesTheSessionOpen(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let store = try await sessions.open()
                _ = try await store.registerBroker(broker(4))
                try await store.unregisterBroker(4)
                #expect(try await store.liveBrokers(watch: nil).isEmpty)
                #expect(store.isSessionAlive)
                _ = try await store.registerBroker(broker(4))
                #expect(try await store.liveBrokers(watch: nil).map(\.id) == [4])
            }
        }

        @Test(arguments: Backend.allCases)
        func theClusterIDIsCreatedOnceAndShared(_ backend: Backend) async throws {
            try await withCluster(backend) { sessions in
                let one = try await sessions.open()
                let two = try await sessions.open()
                let id = try await one.clusterID()
                #expect(id.count == 22)
                #expect(try await two.clusterID() == id)
            }
        }
    }
}

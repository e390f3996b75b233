import KafkaClient
import LocalCluster
import Testing

/// The rules of "ready" on plain Metadata values: expected brokers up at their own address,
/// every partition's ISR equal to its replicas, the controller's view trusted.
@Suite struct ClusterHealthTests {
    static let addresses: [Int32: BrokerAddress] = [
        1: BrokerAddress(host: "127.0.0.1", port: 9092), 2: BrokerAddress(host: "127.0.0.1", port: 9093),
        3: BrokerAddress(host: "127.0.0.1", port: 9094),
    ]

    static func metadata(brokers: [Int32], controller: Int32, isr: [Int32], leader: Int32 = 1) -> ClusterMetadata {
        ClusterMetadata(
            controllerId: controller, brokers: Self.addresses.filter { brokers.contains($0.key) },
            topics: [
                "t": TopicMetadata(name: "t", partitions: [
                    PartitionMetadata(partition: 0, leader: leader, replicas: [1, 2, 3], isr: isr),
                    PartitionMetadata(partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3, 1]),
                ])
            ])
    }

    @Test func fullIsrAndAllBrokersIsHealthy() throws {
        let view = Self.metadata(brokers: [1, 2, 3], controller: 1, isr: [3, 2, 1])
        let views = Dictionary(uniqueKeysWithValues: Self.addresses.values.map { ($0, view) })
        let health = ClusterHealth.assess(views: views, expected: [1, 2, 3])
        #expect(health.isHealthy)
        #expect(health.summary() == "brokers up 3/3, partitions with full ISR 2/2")
    }

    @Test func aReplicaOutOfTheIsrIsNamed() throws {
        let view = Self.metadata(brokers: [1, 2, 3], controller: 1, isr: [1, 3])
        let views = Dictionary(uniqueKeysWithValues: Self.addresses.values.map { ($0, view) })
        let health = ClusterHealth.assess(views: views, expected: [])
        #expect(!health.isHealthy)
        #expect(health.summary() == "brokers up 3/3, partitions with full ISR 1/2; under-replicated: t-0 (leader 1, missing from ISR: 2)")
    }

    @Test func aBrokerThatDoesNotAnswerIsDownEvenWhileRegistered() throws {
        // Broker 2 is still registered (its session has not expired) but its port is dead.
        let view = Self.metadata(brokers: [1, 2, 3], controller: 1, isr: [1, 2, 3])
        let views = [Self.addresses[1]!: view, Self.addresses[3]!: view]
        let health = ClusterHealth.assess(views: views, expected: [1, 2, 3])
        #expect(health.downBrokers == [2])
        #expect(health.summary().hasPrefix("brokers up 2/3 (down: 2)"))
    }

    @Test func anExpectedBrokerNobodyKnowsIsDown() throws {
        let view = Self.metadata(brokers: [1, 2], controller: 1, isr: [1, 2, 3])
        let views = [Self.addresses[1]!: view, Self.addresses[2]!: view]
        let health = ClusterHealth.assess(views: views, expected: [1, 2, 4])
        #expect(health.expectedBrokers == [1, 2, 3, 4])
        #expect(health.downBrokers == [3, 4])
    }

    @Test func theControllersViewIsTrustedOverAStaleOne() throws {
        let stale = Self.metadata(brokers: [1, 2, 3], controller: 2, isr: [1])
        let fresh = Self.metadata(brokers: [1, 2, 3], controller: 2, isr: [1, 2, 3])
        // Broker 1 (sorted first) lags; broker 2 is the controller.
        let views = [Self.addresses[1]!: stale, Self.addresses[2]!: fresh, Self.addresses[3]!: stale]
        #expect(ClusterHealth.assess(views: views, expected: []).isHealthy)
    }

    @Test func aPartitionWithoutLeaderIsNotHealthy() throws {
        let view = Self.metadata(brokers: [1, 2, 3], controller: 1, isr: [1, 2, 3], leader: -1)
        let views = Dictionary(uniqueKeysWithValues: Self.addresses.values.map { ($0, view) })
        let health = ClusterHealth.assess(views: views, expected: [])
        #expect(health.underReplicated.map(\.description) == ["t-0 (no leader, missing from ISR: -)"])
    }

    @Test func manyStragglersAreCountedNotAllNamed() throws {
        var view = Self.metadata(brokers: [1, 2, 3], controller: 1, isr: [1, 2, 3])
        view.topics["big"] = TopicMetadata(name: "big", partitions: (0..<8).map {
            PartitionMetadata(partition: $0, leader: 1, replicas: [1, 2, 3], isr: [1])
        })
        let views = Dictionary(uniqueKeysWithValues: Self.addresses.values.map { ($0, view) })
        let summary = ClusterHealth.assess(views: views, expected: []).summary()
        #expect(summary.hasPrefix("brokers up 3/3, partitions with full ISR 2/10; 8 under-replicated, e.g. big-0"))
        #expect(!summary.contains("big-3"))
    }

    @Test func noAnswerAtAll() {
        let health = ClusterHealth.assess(views: [:], expected: [1])
        #expect(!health.isHealthy)
        #expect(health.summary() == "no broker answers yet")
    }
}

import KafkaClient
import KafkaProtocol
import NIOCore
import Testing

/// Metadata, leader routing, admin and error reporting against a cluster.
@Suite(.serialized, .enabled(if: TestCluster.isAvailable, "needs the librdkafka mock cluster venv"))
struct ClusterTests {
    @Test func routesEachPartitionToItsLeaderAcrossBrokers() async throws {
        try await TestCluster.run(brokers: 3) { cluster, client in
            let topic = try await cluster.createTopic("routing", partitions: 6, client: client)
            let described = try await client.describeTopic(topic)
            #expect(described.partitions.map(\.partition) == Array(0..<6))
            #expect(described.partitions.allSatisfy { $0.leader >= 0 && $0.replicas.contains($0.leader) && $0.isr.contains($0.leader) })
            let brokers = await client.cachedMetadata.brokers
            if cluster.mock != nil {
                #expect(brokers.count == 3)
                // The mock spreads leaders, so the client needs more than one broker connection.
                #expect(Set(described.partitions.map(\.leader)).count > 1)
            }
            for p in described.partitions {
                let base = try await client.produce(
                    topic: topic, partition: p.partition, records: [ProducerRecord(key: nil, value: "p\(p.partition)")])
                #expect(base == 0)
            }
            for p in described.partitions {
                let records = try await client.fetch(topic: topic, partition: p.partition, offset: 0)
                #expect(records.map { String(buffer: $0.value ?? ByteBuffer()) } == ["p\(p.partition)"])
            }
            #expect(try await client.listTopics().contains(topic))
        }
    }

    @Test func unknownTopicsAndPartitionsAreNamedErrors() async throws {
        try await TestCluster.run { cluster, client in
            let topic = try await cluster.createTopic("known", partitions: 2, client: client)
            let missing = "missing-\(topic)"
            let unknownTopic = await #expect(throws: KafkaClientError.self) {
                _ = try await client.fetch(topic: missing, partition: 0, offset: 0)
            }
            #expect(unknownTopic?.kind == .unknownTopic)
            #expect(unknownTopic?.topic == missing)
            let unknownPartition = await #expect(throws: KafkaClientError.self) {
                try await client.produce(topic: topic, partition: 5, records: [ProducerRecord(key: nil, value: "x")])
            }
            #expect(unknownPartition?.kind == .unknownPartition(partitionCount: 2))
            #expect(unknownPartition?.partition == 5)
        }
    }

    @Test func adminApisTheBrokerLacksFailAsUnsupported() async throws {
        try await TestCluster.run { cluster, client in
            guard !cluster.supportsAdmin else { return }
            let error = await #expect(throws: KafkaClientError.self) {
                try await client.createTopic("never", partitions: 1, replicationFactor: 1)
            }
            #expect(error?.kind == .unsupportedApi(.createTopics))
            #expect(error?.broker != nil)
        }
    }

    @Test func adminRoundTripOnABrokerWithAdminApis() async throws {
        try await TestCluster.run { cluster, client in
            guard cluster.supportsAdmin else { return }
            let topic = try await cluster.createTopic("admin", partitions: 3, client: client)
            let duplicate = await #expect(throws: KafkaClientError.self) {
                try await client.createTopic(topic, partitions: 1, replicationFactor: 1)
            }
            #expect(duplicate?.code == .topicAlreadyExists)
            try await client.incrementalAlterConfigs(topic: topic, set: ["retention.ms": "129600000"])
            let configs = try await client.describeConfigs(topic: topic)
            #expect(configs.first { $0.name == "retention.ms" }?.value == "129600000")
            let sizes = try await client.describeLogDirs(topic: topic)
            #expect(Set(sizes.map(\.partition)) == [0, 1, 2])
            try await client.deleteTopic(topic)
            #expect(try await !client.listTopics().contains(topic))
        }
    }

}

/// Client behaviour that needs no cluster at all.
@Suite struct NoClusterTests {
    @Test func anUnreachableBootstrapFailsFastWithConnectionRefused() async throws {
        let port = try TestPorts.unused()
        let client = try KafkaClient(bootstrap: "127.0.0.1:\(port)")
        let error = await #expect(throws: KafkaClientError.self) { _ = try await client.listTopics() }
        #expect(error?.kind == .connectionFailed(reason: "connection refused"))
        #expect(error?.broker == "127.0.0.1:\(port)")
        // connectionFailed with no broker ever reached is rethrown at once, not retried with backoff.
        await client.shutdown()
    }

    @Test func theFirstReachableBootstrapAddressIsUsed() async throws {
        let broker = try await FakeBroker { frame in
            guard frame.apiKey == .metadata else { return nil }
            return .message(MetadataResponse(
                brokers: [.init(nodeId: 7, host: "127.0.0.1", port: 1)], controllerId: 7,
                topics: [.init(name: "only-topic")]))
        }
        let dead = try TestPorts.unused()
        let client = try KafkaClient(bootstrap: "127.0.0.1:\(dead),\(broker.bootstrap)")
        #expect(try await client.listTopics() == ["only-topic"])
        #expect(await client.cachedMetadata.controllerId == 7)
        await client.shutdown()
        await broker.stop()
    }

    @Test func callsAfterShutdownFail() async throws {
        let client = try KafkaClient(bootstrap: "127.0.0.1:9")
        await client.shutdown()
        let error = await #expect(throws: KafkaClientError.self) { _ = try await client.listTopics() }
        #expect(error?.kind == .shutDown)
    }
}

import Foundation
import Testing
import TestSupport
import ZooKeeperClient

@testable import Cluster

/// What the ZooKeeper store writes, read back raw: Kafka's paths and JSON, so operators (and
/// Kafka's own tools) recognize them.
@Suite(.sharedZooKeeper) struct ZooKeeperLayoutTests {
    @Test func znodesHoldKafkasJSON() async throws {
        let server = try SharedZooKeeper.current()
        let root = "/layout-" + UUID().uuidString.prefix(8).lowercased()
        let store = try await ZooKeeperMetadataStore.connect(.init(connectString: server.address + root))
        let raw = try await ZooKeeperClient.connect(.init(connectString: server.address))
        defer { Task { await raw.close() } }

        var registration = BrokerRegistration(id: 1, rack: "us-east-1a", endpoints: [BrokerEndpoint(host: "10.0.0.5", port: 9092)])
        registration.endpoints.append(BrokerEndpoint(listener: "REPLICATION", host: "10.0.0.5", port: 9093, securityProtocol: "SSL"))
        let registered = try await store.registerBroker(registration)
        let brokerNode = try await raw.getData(root + "/brokers/ids/1")
        #expect(brokerNode.stat.ephemeralOwner == store.sessionID)
        #expect(brokerNode.stat.czxid == registered.epoch, "the broker epoch is the znode's czxid, as in Kafka")
        let broker = try json(brokerNode.data)
        #expect(broker["version"] as? Int == 5)
        #expect(broker["host"] as? String == "10.0.0.5")
        #expect(broker["port"] as? Int == 9092)
        #expect(broker["endpoints"] as? [String] == ["PLAINTEXT://10.0.0.5:9092", "REPLICATION://10.0.0.5:9093"])
        #expect(broker["listener_security_protocol_map"] as? [String: String] == ["PLAINTEXT": "PLAINTEXT", "REPLICATION": "SSL"])
        #expect(broker["rack"] as? String == "us-east-1a")
        #expect(broker["jmx_port"] as? Int == -1)
        #expect(Int64(broker["timestamp"] as? String ?? "") ?? 0 > 0, "Kafka writes the timestamp as a string")

        let orders = topic("orders", [[1, 2, 3], [2, 3, 1]])
        _ = try await store.createTopic(orders, configs: ["retention.ms": "60000"])
        let topicJSON = try json(try await raw.getData(root + "/brokers/topics/orders").data)
        #expect(topicJSON["version"] as? Int == 3)
        #expect(topicJSON["topic_id"] as? String == orders.topicID.base64)
        #expect(topicJSON["partitions"] as? [String: [Int]] == ["0": [1, 2, 3], "1": [2, 3, 1]])
        #expect((topicJSON["adding_replicas"] as? [String: Any])?.isEmpty == true)
        #expect((topicJSON["removing_replicas"] as? [String: Any])?.isEmpty == true)
        let config = try json(try await raw.getData(root + "/config/topics/orders").data)
        #expect(config["version"] as? Int == 1)
        #expect(config["config"] as? [String: String] == ["retention.ms": "60000"])

        let fence = try #require(try await store.elect(brokerID: 1))
        let controller = try await raw.getData(root + "/controller")
        #expect(controller.stat.ephemeralOwner == store.sessionID)
        let controllerJSON = try json(controller.data)
        #expect(controllerJSON["version"] as? Int == 2)
        #expect(controllerJSON["brokerid"] as? Int == 1)
        #expect(controllerJSON["kraftControllerEpoch"] as? Int == -1)
        #expect(controllerJSON["timestamp"] is String)
        let epochNode = try await raw.getData(root + "/controller_epoch")
        #expect(String(decoding: epochNode.data, as: UTF8.self) == "\(fence.epoch)")
        #expect(epochNode.stat.version == fence.epochVersion)

        let clean = PartitionState(leader: 1, leaderEpoch: 0, isr: [1, 2, 3], controllerEpoch: fence.epoch)
        var unclean = clean
        unclean.leaderRecoveryState = .recovering
        _ = await store.writePartitionStates(
            [
                PartitionStateWrite(partition: tp("orders", 0), state: clean, expectedPartitionEpoch: -1),
                PartitionStateWrite(partition: tp("orders", 1), state: unclean, expectedPartitionEpoch: -1),
            ], fence: fence)
        let state0 = try json(try await raw.getData(root + "/brokers/topics/orders/partitions/0/state").data)
        #expect(state0["version"] as? Int == 1)
        #expect(state0["leader"] as? Int == 1)
        #expect(state0["leader_epoch"] as? Int == 0)
        #expect(state0["controller_epoch"] as? Int == Int(fence.epoch))
        #expect(state0["isr"] as? [Int] == [1, 2, 3])
        #expect(state0["leader_recovery_state"] == nil, "Kafka writes it only while recovering")
        let state1 = try json(try await raw.getData(root + "/brokers/topics/orders/partitions/1/state").data)
        #expect(state1["leader_recovery_state"] as? Int == 1)

        let clusterID = try await store.clusterID()
        let clusterJSON = try json(try await raw.getData(root + "/cluster/id").data)
        #expect(clusterJSON["version"] as? String == "1")
        #expect(clusterJSON["id"] as? String == clusterID)
        await store.close()
    }

    /// Registrations and topics written by Kafka itself (the formats in ZkData.scala's comments)
    /// read back as what they mean.
    @Test func readsWhatKafkaWrites() async throws {
        let server = try SharedZooKeeper.current()
        let root = "/kafka-" + UUID().uuidString.prefix(8).lowercased()
        let store = try await ZooKeeperMetadataStore.connect(.init(connectString: server.address + root))
        let raw = try await ZooKeeperClient.connect(.init(connectString: server.address))
        defer { Task { await raw.close() } }
        let kafkaBroker = #"{"listener_security_protocol_map":{"CLIENT":"SSL","REPLICATION":"PLAINTEXT"},"endpoints":["CLIENT://host1:9092","REPLICATION://host1:9093"],"rack":"dc1","jmx_port":9999,"features":{},"host":null,"timestamp":"2233345666","port":-1,"version":5}"#
        try await raw.create(root + "/brokers/ids/42", data: Array(kafkaBroker.utf8), mode: .ephemeral)
        let kafkaTopic = #"{"partitions":{"1":[42,43],"0":[43,42]},"topic_id":"pHl2UAQoRYiAOhUYqU-SLQ","adding_replicas":{},"removing_replicas":{},"version":3}"#
        try await raw.create(root + "/brokers/topics/clicks", data: Array(kafkaTopic.utf8))
        try await raw.create(root + "/brokers/topics/clicks/partitions")
        try await raw.create(root + "/brokers/topics/clicks/partitions/0")
        let kafkaState = #"{"controller_epoch":7,"leader":43,"version":1,"leader_epoch":4,"isr":[43,42]}"#
        try await raw.create(root + "/brokers/topics/clicks/partitions/0/state", data: Array(kafkaState.utf8))

        let broker = try #require(try await store.liveBrokers(watch: nil).first)
        #expect(broker.id == 42)
        #expect(broker.rack == "dc1")
        #expect(broker.endpoints == [
            BrokerEndpoint(listener: "CLIENT", host: "host1", port: 9092, securityProtocol: "SSL"),
            BrokerEndpoint(listener: "REPLICATION", host: "host1", port: 9093, securityProtocol: "PLAINTEXT"),
        ])
        #expect(broker.timestamp == 2_233_345_666)
        let clicks = try #require(try await store.topic("clicks", watch: nil))
        #expect(clicks.partitions == [[43, 42], [42, 43]])
        #expect(clicks.topicID.base64 == "pHl2UAQoRYiAOhUYqU-SLQ")
        let state = try #require(try await store.partitionState(tp("clicks", 0), watch: nil))
        #expect(state == PartitionState(leader: 43, leaderEpoch: 4, isr: [43, 42], controllerEpoch: 7, partitionEpoch: 0))
        #expect(try await store.partitionState(tp("clicks", 1), watch: nil) == nil)

        // Garbage is an error that names the znode, not a crash.
        try await raw.create(root + "/brokers/topics/broken", data: Array("{not json".utf8))
        await expectFailure(.corrupt) { () async throws(ClusterError) in try await store.topic("broken", watch: nil) }
        // A follower skips it (and says so in the log) rather than stopping.
        let follower = MetadataFollower(store: store)
        try await follower.start()
        let image = await follower.image
        #expect(image.topics.keys.sorted() == ["clicks"])
        #expect(image.partitions[tp("clicks", 0)]?.leader == 43)
        #expect(image.brokers[42]?.rack == "dc1")
        await follower.stop()
        await store.close()
    }

    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }
}

import CRdKafka

/// librdkafka's in-process mock Kafka cluster: the reference Kafka implementation the benchmark
/// runs the same workloads against. It lives in this process, on its own threads, and keeps
/// everything in memory until it is destroyed.
public final class MockCluster {
    private let host: RdKafkaHandle
    private let cluster: OpaquePointer
    public let bootstrap: String

    public init(brokers: Int32 = 1) throws(LoadError) {
        host = try RdKafkaHandle(type: RD_KAFKA_PRODUCER, properties: ["log_level": "3"])
        guard let cluster = rd_kafka_mock_cluster_new(host.rk, brokers) else {
            throw LoadError("rd_kafka_mock_cluster_new failed")
        }
        self.cluster = cluster
        bootstrap = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit { rd_kafka_mock_cluster_destroy(cluster) }

    /// The mock has no CreateTopics API; topics are made through its side channel.
    public func createTopic(_ name: String, partitions: Int32) throws(LoadError) {
        let err = rd_kafka_mock_topic_create(cluster, name, partitions, 1)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw LoadError("mock create topic \(name): \(RdKafkaHandle.errorName(err))")
        }
    }
}

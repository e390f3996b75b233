import LogStorage

/// Kafka's znode layout (core/src/main/scala/kafka/zk/ZkData.scala), so operators who know Kafka
/// find everything where they expect it.
enum ZooKeeperPaths {
    static let brokerIDs = "/brokers/ids"
    static let topics = "/brokers/topics"
    static let topicConfigs = "/config/topics"
    static let controller = "/controller"
    static let controllerEpoch = "/controller_epoch"
    static let clusterID = "/cluster/id"

    /// Persistent parents created at connect (Kafka's PersistentZkPaths that Petrel uses).
    static let skeleton = [brokerIDs, topics, topicConfigs, "/cluster"]

    static func broker(_ id: Int32) -> String { "\(brokerIDs)/\(id)" }
    static func topic(_ name: String) -> String { "\(topics)/\(name)" }
    static func partitions(_ topic: String) -> String { "\(topics)/\(topic)/partitions" }
    static func partition(_ partition: TopicPartition) -> String {
        "\(partitions(partition.topic))/\(partition.partition)"
    }
    static func partitionState(_ partition: TopicPartition) -> String { "\(self.partition(partition))/state" }
    static func topicConfig(_ name: String) -> String { "\(topicConfigs)/\(name)" }

    /// The change a fired watch on `path` means, or nil for paths outside the layout.
    static func change(for path: String) -> MetadataChange? {
        switch path {
        case brokerIDs: return .brokers
        case topics: return .topics
        case controller: return .controller
        default: break
        }
        if let name = child(of: topicConfigs, in: path) { return .topicConfig(name) }
        guard path.hasPrefix(topics + "/") else { return nil }
        let parts = path.dropFirst(topics.count + 1).split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1 { return .topic(String(parts[0])) }
        if parts.count == 4, parts[1] == "partitions", parts[3] == "state", let index = Int32(parts[2]) {
            return .partitionState(TopicPartition(topic: String(parts[0]), partition: index))
        }
        return nil
    }

    /// The single component under `parent` in `path`, or nil.
    private static func child(of parent: String, in path: String) -> String? {
        guard path.hasPrefix(parent + "/") else { return nil }
        let rest = path.dropFirst(parent.count + 1)
        return rest.isEmpty || rest.contains("/") ? nil : String(rest)
    }
}

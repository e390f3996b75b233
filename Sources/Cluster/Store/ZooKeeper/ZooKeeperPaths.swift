import LogStorage

/// Kafka's znode layout (core/src/main/scala/kafka/zk/ZkData.scala), so operators who know Kafka
/// find everything where they expect it; under an optional chroot (`zk:2181/petrel`), as Kafka's
/// `zookeeper.connect` allows.
struct ZooKeeperPaths: Sendable {
    /// "" or "/chroot".
    let root: String

    init(root: String = "") {
        self.root = root == "/" ? "" : root
    }

    var brokerIDs: String { root + "/brokers/ids" }
    var topics: String { root + "/brokers/topics" }
    var topicConfigs: String { root + "/config/topics" }
    var controller: String { root + "/controller" }
    var controllerEpoch: String { root + "/controller_epoch" }
    var clusterID: String { root + "/cluster/id" }

    /// Persistent parents created at connect (Kafka's PersistentZkPaths that Petrel uses).
    var skeleton: [String] { [brokerIDs, topics, topicConfigs, root + "/cluster"] }

    func broker(_ id: Int32) -> String { "\(brokerIDs)/\(id)" }
    func topic(_ name: String) -> String { "\(topics)/\(name)" }
    func partitions(_ topic: String) -> String { "\(topics)/\(topic)/partitions" }
    func partition(_ partition: TopicPartition) -> String { "\(partitions(partition.topic))/\(partition.partition)" }
    func partitionState(_ partition: TopicPartition) -> String { "\(self.partition(partition))/state" }
    func topicConfig(_ name: String) -> String { "\(topicConfigs)/\(name)" }

    /// The change a fired watch on `path` means, or nil for paths outside the layout.
    func change(for path: String) -> MetadataChange? {
        switch path {
        case brokerIDs: return .brokers
        case topics: return .topics
        case controller: return .controller
        default: break
        }
        if let name = Self.child(of: topicConfigs, in: path) { return .topicConfig(name) }
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

    /// Splits Kafka's `zookeeper.connect` into the server list and the chroot ("" when none).
    static func splitConnectString(_ connect: String) -> (servers: String, root: String) {
        guard let slash = connect.firstIndex(of: "/") else { return (connect, "") }
        var root = String(connect[slash...])
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        return (String(connect[..<slash]), root == "/" ? "" : root)
    }
}

import Foundation

/// What `petrel cluster up` started in a directory, kept in DIR/cluster.json so that `down`,
/// `fail` and `wait` (separate processes, later) find the ports, pids and settings. Written
/// atomically (temp file and rename), so a reader never sees half a file.
public struct ClusterState: Codable, Sendable, Equatable {
    public static let fileName = "cluster.json"

    public var version = 1
    /// Absolute.
    public var directory: String
    /// The znode all of this cluster's metadata lives under (`zookeeper.connect`'s chroot).
    public var chroot: String
    public var zookeeperTuning: ZooKeeperTuning
    public var zookeeper: [ZooKeeperNode]
    /// Settings every broker runs with (`--set`), zookeeper.connect included.
    public var brokerSettings: [String: String]
    public var brokers: [BrokerNode]

    public init(
        directory: String, chroot: String, zookeeperTuning: ZooKeeperTuning, zookeeper: [ZooKeeperNode],
        brokerSettings: [String: String], brokers: [BrokerNode]
    ) {
        self.directory = directory
        self.chroot = chroot
        self.zookeeperTuning = zookeeperTuning
        self.zookeeper = zookeeper
        self.brokerSettings = brokerSettings
        self.brokers = brokers
    }

    /// `127.0.0.1:2181,127.0.0.1:2182/chroot`, as brokers get it in zookeeper.connect.
    public var zookeeperConnect: String { zookeeper.map(\.address).joined(separator: ",") + chroot }

    /// Every broker's address, comma-separated: a client's bootstrap.servers / KAFKA_URL.
    public var bootstrap: String { brokers.map(\.address).joined(separator: ",") }

    public var runningBrokers: [BrokerNode] { brokers.filter(\.isRunning) }
    public var runningZooKeeper: [ZooKeeperNode] { zookeeper.filter(\.isRunning) }
    public var isAnythingRunning: Bool { !runningBrokers.isEmpty || !runningZooKeeper.isEmpty }

    public static func path(in directory: String) -> String { directory + "/" + fileName }

    /// The state in `directory`, nil when there is none.
    public static func load(from directory: String) throws -> ClusterState? {
        let path = path(in: directory)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(ClusterState.self, from: data)
        } catch {
            throw LocalClusterError("\(path) is not a cluster state file petrel can read (\(error)); move it away or choose another --dir.")
        }
    }

    public func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let path = Self.path(in: directory)
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw LocalClusterError("Cannot write \(path): \(error.localizedDescription).")
        }
    }
}

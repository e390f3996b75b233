import Cluster
import Logging

/// How a broker joins its cluster and replicates (Kafka's zookeeper.*, broker.rack, replica.*,
/// controller and controlled-shutdown settings).
public struct ClusterOptions: Sendable {
    /// Where the cluster's metadata lives.
    public enum Metadata: Sendable {
        /// A metadata store in this process (`petrel dev`, or a one-broker cluster in its data dir).
        case embedded(EmbeddedMetadataBackend)
        /// A ZooKeeper ensemble (zookeeper.connect).
        case zooKeeper(ZooKeeperMetadataStore.Configuration)
    }

    /// nil: an embedded store in the broker's data directory (a cluster of one, unless others
    /// share it).
    public var metadata: Metadata?
    public var rack: String?
    public var controller: ControllerConfig?
    /// The other brokers of this process (`petrel dev`), so a controller among them is reached directly.
    public var directory: LocalControllerDirectory?
    public var replicaLagTimeMaxMs: Int64
    public var replicaFetch: ReplicaFetchSettings
    /// leader/follower.replication.throttled.rate: reassignment catch-up limits.
    public var replicationThrottle: ReplicationThrottleRates
    public var controlledShutdown: Bool
    public var controlledShutdownRetries: Int
    public var controlledShutdownBackoffMs: Int64

    public init(
        metadata: Metadata? = nil, rack: String? = nil, controller: ControllerConfig? = nil,
        directory: LocalControllerDirectory? = nil, replicaLagTimeMaxMs: Int64 = 30_000,
        replicaFetch: ReplicaFetchSettings = ReplicaFetchSettings(),
        replicationThrottle: ReplicationThrottleRates = ReplicationThrottleRates(), controlledShutdown: Bool = true,
        controlledShutdownRetries: Int = 3, controlledShutdownBackoffMs: Int64 = 500
    ) {
        self.metadata = metadata
        self.rack = rack
        self.controller = controller
        self.directory = directory
        self.replicaLagTimeMaxMs = replicaLagTimeMaxMs
        self.replicaFetch = replicaFetch
        self.replicationThrottle = replicationThrottle
        self.controlledShutdown = controlledShutdown
        self.controlledShutdownRetries = controlledShutdownRetries
        self.controlledShutdownBackoffMs = controlledShutdownBackoffMs
    }

    /// The `connect` closure a ClusterNode opens sessions with.
    func connect(dataDir: String, logger: Logger) throws(BrokerError) -> ClusterNode.Connect {
        switch metadata {
        case .zooKeeper(let configuration):
            return { () async throws(ClusterError) -> any MetadataStore in
                try await ZooKeeperMetadataStore.connect(configuration, logger: logger)
            }
        case .embedded(let backend):
            return { () async throws(ClusterError) -> any MetadataStore in backend.openSession() }
        case nil:
            let backend: EmbeddedMetadataBackend
            do {
                backend = try EmbeddedMetadataBackend(directory: dataDir, logger: logger)
            } catch {
                throw BrokerError(.kafkaStorageError, "cannot open the cluster metadata in \(dataDir): \(error)")
            }
            return { () async throws(ClusterError) -> any MetadataStore in backend.openSession() }
        }
    }
}

/// How followers fetch from leaders (Kafka's replica.fetch.*).
public struct ReplicaFetchSettings: Sendable {
    public var maxBytes: Int32
    public var responseMaxBytes: Int32
    public var maxWaitMs: Int32
    public var backoffMs: Int64

    public init(maxBytes: Int32 = 1_048_576, responseMaxBytes: Int32 = 10_485_760, maxWaitMs: Int32 = 500, backoffMs: Int64 = 1_000) {
        self.maxBytes = maxBytes
        self.responseMaxBytes = responseMaxBytes
        self.maxWaitMs = maxWaitMs
        self.backoffMs = backoffMs
    }
}

/// leader.replication.throttled.rate and follower.replication.throttled.rate, bytes per second;
/// nil (or Kafka's default, Long.MAX_VALUE): unthrottled. See ReplicationThrottle.
public struct ReplicationThrottleRates: Sendable {
    public var leaderBytesPerSecond: Int64?
    public var followerBytesPerSecond: Int64?

    public init(leaderBytesPerSecond: Int64? = nil, followerBytesPerSecond: Int64? = nil) {
        self.leaderBytesPerSecond = leaderBytesPerSecond
        self.followerBytesPerSecond = followerBytesPerSecond
    }
}

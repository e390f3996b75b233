import Cluster

/// The cluster settings a broker reads from its properties.
extension BrokerConfig {
    public var zookeeperConnect: String? { string("zookeeper.connect").flatMap { $0.isEmpty ? nil : $0 } }
    public var rack: String? { string("broker.rack").flatMap { $0.isEmpty ? nil : $0 } }

    /// Cluster options from zookeeper.*, broker.rack, replica.*, the controller and
    /// controlled-shutdown keys. Without zookeeper.connect the metadata stays in the data
    /// directory (`metadata` nil), unless the caller shares a store (`petrel dev`).
    public func clusterOptions(
        metadata: ClusterOptions.Metadata? = nil, directory: LocalControllerDirectory? = nil
    ) -> ClusterOptions {
        var chosen = metadata
        if chosen == nil, let connect = zookeeperConnect {
            let timeout = int("zookeeper.session.timeout.ms") ?? 4_000
            chosen = .zooKeeper(.init(connectString: connect, sessionTimeout: .milliseconds(timeout)))
        }
        let controller = ControllerConfig(
            brokerID: nodeId, uncleanLeaderElectionEnable: bool("unclean.leader.election.enable") ?? false,
            autoLeaderRebalanceEnable: bool("auto.leader.rebalance.enable") ?? true,
            leaderImbalanceCheckInterval: .seconds(int("leader.imbalance.check.interval.seconds") ?? 300),
            leaderImbalancePerBrokerPercentage: Int(int("leader.imbalance.per.broker.percentage") ?? 10))
        return ClusterOptions(
            metadata: chosen, rack: rack, controller: controller, directory: directory,
            replicaLagTimeMaxMs: int("replica.lag.time.max.ms") ?? 30_000,
            replicaFetch: ReplicaFetchSettings(
                maxBytes: Int32(clamping: int("replica.fetch.max.bytes") ?? 1_048_576),
                responseMaxBytes: Int32(clamping: int("replica.fetch.response.max.bytes") ?? 10_485_760),
                maxWaitMs: Int32(clamping: int("replica.fetch.wait.max.ms") ?? 500),
                backoffMs: int("replica.fetch.backoff.ms") ?? 1_000),
            replicationThrottle: ReplicationThrottleRates(
                leaderBytesPerSecond: int("leader.replication.throttled.rate"),
                followerBytesPerSecond: int("follower.replication.throttled.rate")),
            controlledShutdown: bool("controlled.shutdown.enable") ?? true,
            controlledShutdownRetries: Int(int("controlled.shutdown.max.retries") ?? 3),
            controlledShutdownBackoffMs: int("controlled.shutdown.retry.backoff.ms") ?? 500)
    }
}

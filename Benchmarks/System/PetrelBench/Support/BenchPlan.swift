import RdKafkaLoad

/// How long and how often each part runs: the full run (about 9-10 minutes on 2 cores) or the
/// quick one CI uses to keep the harness working (every scenario, briefly, about 2 minutes).
struct BenchPlan: Sendable {
    var quick: Bool
    var repeats: Int
    /// Timed produce runs: librdkafka connects and fills its queue during the warm-up; only
    /// deliveries inside the window count.
    var warmup: Double
    var window: Double
    var latencyWarmup: Double
    var latencyWindow: Double
    var consumeBytes: Int
    var idleConnections: Int
    var loopbackSeconds: Double
    /// The short loopback probe before every repetition of a throughput scenario.
    var pairedProbeSeconds: Double
    var diskBytes: Int
    var syncCount: Int
    var checksumBytes: Int
    var withMock = true
    /// librdkafka properties applied to every producer and consumer, after the scenario's own.
    var rdkafka: RdKafkaProperties = [:]
    /// Extra `--set key=value` for the broker.
    var brokerSettings: [String] = []
    /// A broker already running (host:port) instead of one this run starts, and its pid for
    /// CPU sampling.
    var external: String?
    var externalPid: Int32?
    /// Scenario id substrings to run (all when empty).
    var only: [String] = []
    /// The 3-broker cluster: leaders killed with SIGKILL (one at a time, restarted and back in
    /// sync before the next), and brokers stopped with SIGTERM (controlled shutdown).
    var failoverKills: Int
    var controlledShutdowns: Int
    /// Keep the cluster's directory (broker and ZooKeeper logs) instead of removing it.
    var keepCluster = false

    static let full = BenchPlan(
        quick: false, repeats: 3, warmup: 0.5, window: 1.5, latencyWarmup: 1.0, latencyWindow: 3.0,
        consumeBytes: 1 << 30, idleConnections: 10_000, loopbackSeconds: 1.0, pairedProbeSeconds: 0.3, diskBytes: 1 << 30,
        syncCount: 200, checksumBytes: 1 << 30, failoverKills: 10, controlledShutdowns: 3)

    static let quickPlan = BenchPlan(
        quick: true, repeats: 1, warmup: 0.2, window: 0.3, latencyWarmup: 1.0, latencyWindow: 0.5,
        consumeBytes: 32 << 20, idleConnections: 1_000, loopbackSeconds: 0.3, pairedProbeSeconds: 0.1, diskBytes: 128 << 20,
        syncCount: 20, checksumBytes: 128 << 20, failoverKills: 2, controlledShutdowns: 1)

    func includes(_ id: String) -> Bool { only.isEmpty || only.contains { id.contains($0) } }
}

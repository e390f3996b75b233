import KafkaProtocol
import Metrics

/// The Cluster target's metrics, created once per broker (or `shared`). Labels are bounded: the
/// broker id and a fixed set of election kinds, never topics or partitions.
public final class ClusterMetrics: Sendable {
    /// Elections this broker won.
    public let controllerElections: Counter
    /// 1 while this broker is the controller.
    public let controllerActive: Gauge
    /// Leaders the controller chose, by kind.
    public let cleanLeaderElections: Counter
    public let uncleanLeaderElections: Counter
    public let preferredLeaderElections: Counter
    public let controlledShutdownLeaderMoves: Counter
    /// ISR changes the controller wrote: from a leader's request (expand or shrink) or because a
    /// replica died or shut down.
    public let isrExpansions: Counter
    public let isrShrinks: Counter
    /// Partitions without a leader after the controller's last pass.
    public let offlinePartitions: Gauge
    /// Conditional writes that lost (version changed underneath), then re-read and retried.
    public let stateWriteConflicts: Counter
    public let sessionExpirations: Counter
    /// Partition reassignments the controller completed (RS = TRS written).
    public let reassignmentsCompleted: Counter
    /// How long it took a new controller to act, from winning the election to its first writes.
    public let failoverDuration: Timer

    public init(prefix: String = "petrel_cluster", brokerID: Int32? = nil) {
        let labels = brokerID.map { [("broker", "\($0)")] } ?? []
        controllerElections = Counter(label: "\(prefix)_controller_elections_total", dimensions: labels)
        controllerActive = Gauge(label: "\(prefix)_controller_active", dimensions: labels)
        cleanLeaderElections = Counter(label: "\(prefix)_leader_elections_total", dimensions: labels + [("kind", "clean")])
        uncleanLeaderElections = Counter(label: "\(prefix)_leader_elections_total", dimensions: labels + [("kind", "unclean")])
        preferredLeaderElections = Counter(
            label: "\(prefix)_leader_elections_total", dimensions: labels + [("kind", "preferred")])
        controlledShutdownLeaderMoves = Counter(
            label: "\(prefix)_leader_elections_total", dimensions: labels + [("kind", "controlled_shutdown")])
        isrExpansions = Counter(label: "\(prefix)_isr_expansions_total", dimensions: labels)
        isrShrinks = Counter(label: "\(prefix)_isr_shrinks_total", dimensions: labels)
        offlinePartitions = Gauge(label: "\(prefix)_offline_partitions", dimensions: labels)
        stateWriteConflicts = Counter(label: "\(prefix)_state_write_conflicts_total", dimensions: labels)
        sessionExpirations = Counter(label: "\(prefix)_metadata_session_expirations_total", dimensions: labels)
        reassignmentsCompleted = Counter(label: "\(prefix)_reassignments_completed_total", dimensions: labels)
        failoverDuration = Timer(label: "\(prefix)_controller_failover_duration", dimensions: labels)
    }

    /// For components given no metrics of their own.
    public static let shared = ClusterMetrics()
}

/// A Kafka-style cluster id: 16 random bytes, URL-safe base64 without padding.
func newClusterID() -> String { KafkaUUID.random().base64 }

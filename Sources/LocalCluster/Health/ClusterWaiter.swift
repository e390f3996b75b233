import KafkaClient

/// Polls Metadata until every expected broker is up and every partition's ISR is its replica
/// set, reporting progress when it changes (and every few seconds while it does not).
public struct ClusterWaiter: Sendable {
    public var bootstrap: [BrokerAddress]
    /// Broker ids that must be up even if no broker names them (a cluster's known members).
    public var expected: Set<Int32>
    public var interval: Duration = .milliseconds(500)
    /// A line is repeated at least this often while nothing changes.
    public var heartbeat: Duration = .seconds(5)

    public init(bootstrap: [BrokerAddress], expected: Set<Int32> = []) {
        self.bootstrap = bootstrap
        self.expected = expected
    }

    /// The healthy state, or a `LocalClusterError` naming what is still missing at `timeout`.
    public func wait(timeout: Duration, report: (String) -> Void) async throws -> ClusterHealth {
        let clock = ContinuousClock()
        let start = clock.now
        var last: (line: String, at: ContinuousClock.Instant)?
        var health = ClusterHealth.assess(views: [:], expected: expected)
        while true {
            let views = await ClusterProbe.views(bootstrap: bootstrap)
            health = ClusterHealth.assess(views: views, expected: expected)
            let elapsed = start.duration(to: clock.now)
            if health.isHealthy {
                report("\(Timestamp.now()) ready after \(Timestamp.seconds(elapsed)): \(health.summary())")
                return health
            }
            let line = health.summary()
            if last?.line != line || last.map({ $0.at.duration(to: clock.now) >= heartbeat }) == true {
                report("\(Timestamp.now()) \(line)")
                last = (line, clock.now)
            }
            if elapsed >= timeout {
                throw LocalClusterError("The cluster was not ready within \(Timestamp.seconds(timeout)): \(line).")
            }
            try await Task.sleep(for: interval)
        }
    }
}

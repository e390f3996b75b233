/// Everything one benchmark invocation measured; written as JSON so runs can be compared.
struct BenchResults: Codable, Sendable {
    var schema = 1
    var startedAt: String
    var command: String
    var mode: String
    var repeats: Int
    var machine: MachineInfo
    var librdkafka: String
    var limits: [LimitResult] = []
    var scenarios: [ScenarioResult] = []
    var targets: [TargetResult] = []
    var totalSeconds: Double = 0

    func scenario(_ id: String) -> ScenarioResult? { scenarios.first { $0.id == id } }
    func limit(_ id: String) -> LimitResult? { limits.first { $0.id == id } }
}

/// A physical limit measured in the same run (loopback TCP, page-cache writes, ...).
struct LimitResult: Codable, Sendable {
    var id: String
    var title: String
    var metrics: [Metric: Summary]
    var note: String?
}

struct ScenarioResult: Codable, Sendable {
    enum Kind: String, Codable, Sendable { case throughput, latency, footprint, failover, controlledShutdown }

    var id: String
    var title: String
    var kind: Kind
    /// The librdkafka properties and workload parameters used.
    var settings: [String: String]
    var petrel: Measured
    var mock: Measured?

    var errors: [String] { petrel.errors + (mock?.errors ?? []) }
}

struct TargetResult: Codable, Sendable {
    var target: String
    var measured: String
    /// nil when the scenario it needs did not run.
    var met: Bool?
}

import ArgumentParser
import Foundation
import RdKafkaLoad

/// `petrel-bench`: starts Petrel, runs the scenarios against it and against librdkafka's mock
/// cluster with a librdkafka load generator, measures the machine's limits in the same run,
/// prints one markdown table and writes the results as JSON. It builds nothing: `scripts/bench`
/// builds the release binaries first.
@main
struct PetrelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "petrel-bench",
        abstract: "Benchmark Petrel with librdkafka, next to the machine's limits and librdkafka's mock cluster.")

    @Flag(help: "Run every scenario briefly (CI keeps the harness working with this; it asserts no speed).")
    var quick = false

    @Option(help: "The petrel executable to benchmark.")
    var petrel = ".build/release/petrel"

    @Option(help: "Directory for the JSON and markdown results.")
    var out = "bench-results"

    @Option(name: .customLong("repeat"), help: "Repetitions per scenario (default: 3, quick: 1).")
    var repeats: Int?

    @Option(help: "Run only scenarios whose id contains this (repeatable), e.g. produce-1KiB, latency, consume, cluster (the 3-broker rows), failover.")
    var only: [String] = []

    @Flag(help: "Skip librdkafka's mock cluster.")
    var noMock = false

    @Option(help: "A librdkafka property for every producer and consumer, key=value (repeatable).")
    var rdkafka: [String] = []

    @Option(name: .customLong("broker-set"), help: "A broker setting, key=value, passed as --set to every broker, the 3-broker cluster's too (repeatable).")
    var brokerSettings: [String] = []

    @Option(help: "An earlier results JSON to compare against (adds a column).")
    var compare: String?

    @Option(help: "Print the report of a results JSON written earlier (targets re-evaluated) and run nothing.")
    var report: String?

    @Flag(help: "Skip the limit probes at the start and end (each throughput repetition still takes its short loopback probe).")
    var noLimits = false

    @Option(help: "Benchmark a broker that is already running (host:port) instead of starting one, e.g. under perf.")
    var external: String?

    @Option(help: "The pid of the --external broker, to sample its CPU time and RSS.")
    var externalPid: Int32?

    @Flag(help: "Keep the 3-broker cluster's directory (broker and ZooKeeper logs) instead of removing it.")
    var keepCluster = false

    func run() throws {
        var plan = quick ? BenchPlan.quickPlan : BenchPlan.full
        if let repeats { plan.repeats = max(1, repeats) }
        plan.only = only
        plan.withMock = !noMock
        plan.brokerSettings = brokerSettings
        plan.external = external
        plan.externalPid = externalPid
        plan.keepCluster = keepCluster
        for entry in rdkafka {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--rdkafka wants key=value, not \(entry)") }
            plan.rdkafka[parts[0]] = parts[1]
        }
        for entry in brokerSettings where !entry.contains("=") {
            throw ValidationError("--broker-set wants key=value, not \(entry)")
        }
        let previous = try compare.map(Self.load)
        if let report {
            var stored = try Self.load(report)
            let idle = stored.scenario("idle-connections")?.settings["connections"].flatMap { Int($0) } ?? 0
            stored.targets = Targets.evaluate(stored, idleConnectionsPlanned: idle)
            print(MarkdownReport.render(stored, previous: previous), terminator: "")
            return
        }
        guard FileManager.default.isExecutableFile(atPath: petrel) else {
            throw ValidationError("no petrel executable at \(petrel); build it with `swift build -c release --product petrel`")
        }

        // A broken pipe (e.g. `| head`) must not kill the run before the broker is stopped.
        signal(SIGPIPE, SIG_IGN)

        let started = Date()
        let stamp = ISO8601DateFormatter().string(from: started)
        let results = BenchResults(
            startedAt: stamp, command: (["petrel-bench"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            mode: quick ? "quick" : "full", repeats: plan.repeats, machine: .current(), librdkafka: librdkafkaVersion)
        let bench = Bench(plan: plan, petrelBinary: petrel, results: results)
        let clock = MonotonicClock.now()
        log("\(results.mode) run, \(plan.repeats) repetition(s) per scenario, librdkafka \(librdkafkaVersion)")

        if !noLimits { bench.measureLimits() }
        bench.runProduceMatrix()
        bench.runConsume()
        bench.runLatency()
        bench.runPartitionScale()
        bench.stopPetrel()
        bench.runIdleConnections()
        bench.runDevStartup()
        bench.runCluster()
        if !noLimits { bench.measureLimits() }

        bench.finishLimits()
        bench.results.totalSeconds = MonotonicClock.seconds(MonotonicClock.now() - clock)
        bench.results.targets = Targets.evaluate(bench.results, idleConnectionsPlanned: plan.idleConnections)
        let report = MarkdownReport.render(bench.results, previous: previous)
        print(report, terminator: "")
        try write(bench.results, report: report, stamp: stamp)

        let failed = bench.results.scenarios.filter { !$0.errors.isEmpty }
        if !failed.isEmpty {
            log("\(failed.count) scenario(s) failed: \(failed.map(\.id).joined(separator: ", "))")
            throw ExitCode(1)
        }
    }

    private static func load(_ path: String) throws -> BenchResults {
        try JSONDecoder().decode(BenchResults.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private func write(_ results: BenchResults, report: String, stamp: String) throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let base = "\(out)/\(stamp.replacingOccurrences(of: ":", with: ""))-\(results.mode)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: base + ".json"))
        try Data(report.utf8).write(to: URL(fileURLWithPath: base + ".md"))
        log("results: \(base).json and \(base).md")
    }
}

import Foundation
import RdKafkaLoad

/// The state of one benchmark invocation: the plan, the clusters, the results so far.
final class Bench {
    let plan: BenchPlan
    let petrelBinary: String
    var results: BenchResults
    private(set) var petrel: PetrelCluster?
    private let mock = MockPeer()
    private var payloadSets: [Int: PayloadSet] = [:]
    private var limitSamples: [String: (title: String, samples: Measured.Samples, note: String?)] = [:]
    private var limitOrder: [String] = []

    init(plan: BenchPlan, petrelBinary: String, results: BenchResults) {
        self.plan = plan
        self.petrelBinary = petrelBinary
        self.results = results
    }

    func payloads(size: Int) -> PayloadSet {
        if let set = payloadSets[size] { return set }
        let set = PayloadSet(size: size)
        payloadSets[size] = set
        return set
    }

    /// The shared broker for throughput and latency scenarios, started on first use.
    func petrelCluster() throws -> PetrelCluster {
        if let petrel { return petrel }
        let cluster: PetrelCluster
        if let external = plan.external {
            log("using the broker at \(external)")
            cluster = try PetrelCluster(external: external, pid: plan.externalPid)
        } else {
            log("starting petrel broker (\(petrelBinary))")
            cluster = try PetrelCluster(binary: petrelBinary, extraArguments: brokerArguments)
        }
        petrel = cluster
        return cluster
    }

    var brokerArguments: [String] { plan.brokerSettings.flatMap { ["--set", $0] } }

    func stopPetrel() {
        petrel?.shutdown()
        petrel = nil
    }

    /// The sides a side-by-side scenario runs on, Petrel first.
    func clusters() throws -> [any BenchCluster] {
        var list: [any BenchCluster] = [try petrelCluster()]
        if plan.withMock { list.append(mock) }
        return list
    }

    var mockPeer: MockPeer { mock }

    /// Runs `body` once per repetition on each side, alternating sides so drift in the
    /// machine's load hits both alike. A side that fails stops repeating; the error is kept.
    /// With `mockNote`, the mock is not run and the note says why. `on` replaces the sides
    /// (the replicated cluster instead of the single broker).
    @discardableResult
    func sideBySide(
        id: String, title: String, kind: ScenarioResult.Kind, settings: [String: String], mockNote: String? = nil,
        on chosen: [any BenchCluster]? = nil, body: (any BenchCluster, Int, inout Measured.Samples) throws -> Void
    ) -> ScenarioResult {
        var samples: [Side: Measured.Samples] = [:]
        var errors: [Side: [String]] = [:]
        var sides: [any BenchCluster] = []
        do { sides = try chosen ?? clusters() } catch { errors[.petrel, default: []].append("\(error)") }
        if mockNote != nil { sides.removeAll { $0.side == .mock } }
        for rep in 0..<plan.repeats {
            let probe = kind == .throughput ? pairedLoopbackProbe() : nil
            for cluster in sides where errors[cluster.side, default: []].isEmpty {
                do {
                    var sideSamples = samples[cluster.side, default: Measured.Samples()]
                    let before = sideSamples.count(.bytesPerSecond)
                    try body(cluster, rep, &sideSamples)
                    if let probe, sideSamples.count(.bytesPerSecond) > before, let bytes = sideSamples.last(.bytesPerSecond) {
                        sideSamples.add(.loopbackBytesPerSecond, probe)
                        sideSamples.add(.shareOfLoopback, bytes / probe)
                    }
                    samples[cluster.side] = sideSamples
                } catch {
                    errors[cluster.side, default: []].append("\(error)")
                }
            }
        }
        func measured(_ side: Side) -> Measured {
            var m = samples[side]?.measured ?? Measured()
            m.errors = errors[side] ?? []
            if side == .mock, let mockNote { m.notes.append(mockNote) }
            return m
        }
        let result = ScenarioResult(
            id: id, title: title, kind: kind, settings: settings, petrel: measured(.petrel),
            mock: plan.withMock ? measured(.mock) : nil)
        record(result)
        return result
    }

    private func pairedLoopbackProbe() -> Double? {
        do {
            let rate = try LoopbackProbe.run(seconds: plan.pairedProbeSeconds, payloads: payloads(size: 1024))
            addLimit(Self.loopbackLimit, title: Self.loopbackTitle, .bytesPerSecond, rate)
            return rate
        } catch {
            log("loopback probe failed: \(error)")
            return nil
        }
    }

    func record(_ result: ScenarioResult) {
        results.scenarios.append(result)
        log(ProgressLine.describe(result))
    }

    func addLimit(_ id: String, title: String, _ metric: Metric, _ value: Double, note: String? = nil) {
        if limitSamples[id] == nil {
            limitSamples[id] = (title, Measured.Samples(), note)
            limitOrder.append(id)
        }
        limitSamples[id]?.samples.add(metric, value)
    }

    func finishLimits() {
        results.limits = limitOrder.compactMap { id in
            guard let entry = limitSamples[id] else { return nil }
            return LimitResult(id: id, title: entry.title, metrics: entry.samples.measured.metrics, note: entry.note)
        }
    }
}

/// Progress goes to stderr, with seconds since the start; stdout carries only the report.
func log(_ message: String) {
    let start = benchStart  // a lazy global: read it before the clock, not after
    let elapsed = Format.fixed(MonotonicClock.seconds(MonotonicClock.now() - start), 1)
    FileHandle.standardError.write(Data("[petrel-bench +\(elapsed)s] \(message)\n".utf8))
}

/// Set on the first log line (the run's first step logs at once).
private let benchStart = MonotonicClock.now()

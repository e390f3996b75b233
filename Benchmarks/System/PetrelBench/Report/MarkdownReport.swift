/// The report: limits, one table of scenarios side by side with the mock, the targets.
enum MarkdownReport {
    static func render(_ r: BenchResults, previous: BenchResults? = nil) -> String {
        var lines: [String] = []
        let m = r.machine
        lines.append("### Petrel benchmark, \(r.mode) run, \(r.startedAt)")
        lines.append("")
        let machine = "\(m.cpus) × \(m.cpuModel), \(Format.fixed(m.memoryGiB, 1)) GiB, \(m.kernel)"
        let repetitions = "\(r.repeats) repetition\(r.repeats == 1 ? "" : "s") per scenario (median, min–max)"
        lines.append("\(machine); librdkafka \(r.librdkafka); \(repetitions); \(Format.seconds(r.totalSeconds)) in all.")
        lines.append("`\(r.command)`")
        lines.append("")
        lines.append("| Limit (same run, start and end) | Median | Min–max |")
        lines.append("|---|---|---|")
        for limit in r.limits {
            let order = { (m: Metric) in Metric.allCases.firstIndex(of: m) ?? 0 }
            for (metric, s) in limit.metrics.sorted(by: { order($0.key) < order($1.key) }) {
                let isRate = metric == .bytesPerSecond
                func f(_ value: Double) -> String { isRate ? Format.rate(value) : Format.micros(value) }
                let label = isRate ? limit.title : "\(limit.title), \(metric == .p50Micros ? "p50" : metric == .p99Micros ? "p99" : "p99.9")"
                lines.append("| \(label) | \(f(s.median)) | \(f(s.min))–\(f(s.max)) |")
            }
        }
        lines.append("")
        let loopback = r.limit(Bench.loopbackLimit)?.metrics[.bytesPerSecond]
        var header = "| Scenario | Petrel | % of loopback | librdkafka mock | Petrel ÷ mock | Broker CPU s/GB | Client CPU s/GB |"
        var rule = "|---|---|---|---|---|---|---|"
        if previous != nil {
            header += " vs previous |"
            rule += "---|"
        }
        lines.append(header)
        lines.append(rule)
        for s in r.scenarios {
            var row = "| \(s.title) | \(Cells.headline(s.petrel, kind: s.kind)) | "
            row += s.kind == .throughput ? Cells.ofLimit(s.petrel, limit: loopback) : ""
            row += " | \(s.mock.map { Cells.headline($0, kind: s.kind) } ?? "n/a") | \(Cells.ratio(s.petrel, s.mock, kind: s.kind)) | "
            row += "\(Cells.cpu(s.petrel)) | \(Cells.cpu(s.petrel, .clientCPUSecondsPerGB)) |"
            if let previous { row += " \(change(s, previous.scenario(s.id))) |" }
            lines.append(row)
        }
        lines.append("")
        lines.append("| Target | Measured | Met |")
        lines.append("|---|---|---|")
        for t in r.targets {
            lines.append("| \(t.target) | \(t.measured) | \(t.met.map { $0 ? "yes" : "**no**" } ?? "–") |")
        }
        let failures = r.scenarios.flatMap { s in s.errors.map { "- \(s.title): \($0)" } }
        if !failures.isEmpty {
            lines.append("")
            lines.append("Failures:")
            lines.append(contentsOf: failures)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Petrel's median against the same scenario in an earlier run.
    private static func change(_ now: ScenarioResult, _ before: ScenarioResult?) -> String {
        let metric: Metric
        switch now.kind {
        case .throughput: metric = .bytesPerSecond
        case .latency: metric = .p99Micros
        case .footprint: metric = .rssBytes
        case .failover: metric = .failoverSeconds
        case .controlledShutdown: metric = .leadersMovedSeconds
        }
        let fallback: Metric = .seconds
        guard let before,
              let a = before.petrel[metric]?.median ?? before.petrel[fallback]?.median,
              let b = now.petrel[metric]?.median ?? now.petrel[fallback]?.median, a > 0
        else { return "" }
        let delta = (b - a) / a
        return (delta >= 0 ? "+" : "") + Format.percent(delta)
    }
}

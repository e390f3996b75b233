/// The text of one side's cell in the results table.
enum Cells {
    static func headline(_ m: Measured, kind: ScenarioResult.Kind) -> String {
        if let error = m.errors.first, m.metrics.isEmpty { return "failed: \(error.prefix(120))" }
        let figure = value(m, kind: kind)
        guard !m.notes.isEmpty else { return figure }
        let notes = m.notes.joined(separator: "; ")
        return m.metrics.isEmpty ? notes : "\(figure) (\(notes))"
    }

    private static func value(_ m: Measured, kind: ScenarioResult.Kind) -> String {
        switch kind {
        case .throughput:
            guard let bytes = m[.bytesPerSecond] else { return "n/a" }
            var text = Format.rateSpread(bytes)
            if let msgs = m[.messagesPerSecond] { text += " · \(Format.count(msgs.median)) msg/s" }
            return text
        case .latency:
            guard let p50 = m[.p50Micros], let p99 = m[.p99Micros], let p999 = m[.p999Micros] else { return "n/a" }
            var text = "p50 \(Format.micros(p50.median)) · p99 \(Format.spread(p99, Format.micros, bare: Format.micros))"
            text += " · p99.9 \(Format.micros(p999.median))"
            if let max = m[.maxMicros] { text += " · max \(Format.micros(max.max))" }
            return text
        case .footprint:
            if let rss = m[.rssBytes] {
                var text = "RSS \(Format.bytes(rss.median))"
                if let base = m[.rssBaselineBytes] { text += " (idle broker \(Format.bytes(base.median))" }
                if let after = m[.rssAfterCloseBytes] { text += ", after close \(Format.bytes(after.median)))" }
                if let s = m[.seconds] { text += "; a new client answered in \(Format.micros(s.median * 1e6))" }
                return text
            }
            if let s = m[.seconds] { return Format.spread(s, Format.seconds, bare: { Format.fixed($0, 2) }) }
            return "n/a"
        case .failover:
            return failover(m)
        case .controlledShutdown:
            return controlledShutdown(m)
        }
    }

    /// Petrel as a share of the loopback limit (throughput rows only): the median over
    /// repetitions of each run against the probe taken just before it, else against the
    /// run-wide median.
    static func ofLimit(_ m: Measured, limit: Summary?) -> String {
        guard let share = share(m, limit: limit) else { return "" }
        return Format.percent(share)
    }

    static func share(_ m: Measured, limit: Summary?) -> Double? {
        if let paired = m[.shareOfLoopback]?.median { return paired }
        guard let bytes = m[.bytesPerSecond]?.median, let limit = limit?.median, limit > 0 else { return nil }
        return bytes / limit
    }

    /// Petrel ÷ mock for throughput. Not for latency: the mock does not wake parked fetches,
    /// so its latency is librdkafka's fetch.wait.max.ms, not a figure to divide by.
    static func ratio(_ petrel: Measured, _ mock: Measured?, kind: ScenarioResult.Kind) -> String {
        guard let mock else { return "" }
        switch kind {
        case .throughput:
            guard let p = petrel[.bytesPerSecond]?.median, let q = mock[.bytesPerSecond]?.median, q > 0 else { return "" }
            return Format.fixed(p / q, 2) + "×"
        case .latency, .footprint, .failover, .controlledShutdown:
            return ""
        }
    }

    static func cpu(_ m: Measured, _ metric: Metric = .brokerCPUSecondsPerGB) -> String {
        guard let cpu = m[metric] else { return "" }
        return Format.spread(cpu, { Format.fixed($0, 2) }, bare: { Format.fixed($0, 2) })
    }
}

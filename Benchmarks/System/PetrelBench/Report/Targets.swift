/// The targets for this machine, checked against one run's results.
enum Targets {
    static func evaluate(_ r: BenchResults, idleConnectionsPlanned: Int) -> [TargetResult] {
        let loopback = r.limit(Bench.loopbackLimit)?.metrics[.bytesPerSecond]?.median
        var out: [TargetResult] = []

        func shareOfLoopback(_ id: String, _ threshold: Double, _ name: String) {
            let limit = r.limit(Bench.loopbackLimit)?.metrics[.bytesPerSecond]
            guard let petrel = r.scenario(id)?.petrel, let bytes = petrel[.bytesPerSecond]?.median,
                  let share = Cells.share(petrel, limit: limit)
            else {
                return out.append(TargetResult(target: name, measured: "not measured", met: nil))
            }
            let of = petrel[.loopbackBytesPerSecond]?.median ?? loopback ?? 0
            out.append(TargetResult(
                target: name, measured: "\(Format.percent(share)) (\(Format.rate(bytes)) of \(Format.rate(of)))",
                met: share >= threshold))
        }
        shareOfLoopback(ProduceScenario.reference.id, 0.40, "produce 1 KiB, acks=1, large batches ≥ 40 % of loopback")
        shareOfLoopback("consume-1KiB-p1", 0.60, "consume ≥ 60 % of loopback")

        let small = r.scenarios.filter { $0.id.hasPrefix("produce-100B") }
            .compactMap { s in s.petrel[.messagesPerSecond].map { (s, $0.median) } }
        if let best = small.max(by: { $0.1 < $1.1 }) {
            out.append(TargetResult(
                target: "100 B records ≥ 1,000,000 msg/s", measured: "\(Format.count(best.1)) msg/s (\(best.0.title))",
                met: best.1 >= 1_000_000))
        } else {
            out.append(TargetResult(target: "100 B records ≥ 1,000,000 msg/s", measured: "not measured", met: nil))
        }

        let latencyName = "end-to-end p99 < 5 ms and p99.9 < 20 ms at 50 % of peak"
        if let l = r.scenario("latency-1KiB-50pct")?.petrel, let p99 = l[.p99Micros]?.median, let p999 = l[.p999Micros]?.median {
            out.append(TargetResult(
                target: latencyName, measured: "p99 \(Format.micros(p99)), p99.9 \(Format.micros(p999))",
                met: p99 < 5_000 && p999 < 20_000))
        } else {
            out.append(TargetResult(target: latencyName, measured: "not measured", met: nil))
        }

        let compared = r.scenarios.filter { $0.kind == .throughput }.compactMap { s -> (String, Double)? in
            guard let p = s.petrel[.bytesPerSecond]?.median, let q = s.mock?[.bytesPerSecond]?.median, q > 0 else { return nil }
            return (s.title, p / q)
        }
        let behind = compared.filter { $0.1 <= 1 }.sorted { $0.1 < $1.1 }
        let worst = behind.prefix(3).map { "\($0.0) (\(Format.fixed($0.1, 2))×)" }.joined(separator: ", ")
        out.append(TargetResult(
            target: "ahead of librdkafka's mock cluster on every throughput scenario",
            measured: compared.isEmpty ? "not measured"
                : "ahead on \(compared.count - behind.count) of \(compared.count)" + (behind.isEmpty ? "" : "; furthest behind: \(worst)"),
            met: compared.isEmpty ? nil : behind.isEmpty))

        // Both as raw rates and as shares of the loopback probe taken before each run: the two
        // scenarios run minutes apart on a shared machine, and the shares cancel its drift.
        let scaleName = "4000 partitions ≥ 70 % of the 32-partition figure"
        if let many = r.scenario("produce-1KiB-acks1-p4000-none")?.petrel, let few = r.scenario(ProduceScenario.reference32.id)?.petrel,
           let manyRate = many[.bytesPerSecond]?.median, let fewRate = few[.bytesPerSecond]?.median, fewRate > 0 {
            let raw = manyRate / fewRate
            var measured = "\(Format.percent(raw)) (\(Format.rate(manyRate)) vs \(Format.rate(fewRate)))"
            var judged = raw
            if let a = many[.shareOfLoopback]?.median, let b = few[.shareOfLoopback]?.median, b > 0 {
                judged = a / b
                measured += "; \(Format.percent(judged)) as shares of the loopback probe before each run"
            }
            out.append(TargetResult(target: scaleName, measured: measured, met: judged >= 0.70))
        } else {
            out.append(TargetResult(target: scaleName, measured: "not measured", met: nil))
        }

        let idleName = "10,000 idle connections under 1 GiB RSS"
        if let rss = r.scenario("idle-connections")?.petrel[.rssBytes]?.median {
            let full = idleConnectionsPlanned >= 10_000
            out.append(TargetResult(
                target: idleName,
                measured: "\(Format.bytes(rss)) with \(Format.count(Double(idleConnectionsPlanned))) connections"
                    + (full ? "" : " (quick run: not judged)"),
                met: full ? rss < Double(1 << 30) : nil))
        } else {
            out.append(TargetResult(target: idleName, measured: "not measured", met: nil))
        }
        out += cluster(r)
        return out
    }
}

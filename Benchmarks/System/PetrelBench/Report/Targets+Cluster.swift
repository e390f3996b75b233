extension Targets {
    static let failoverName = "failover after kill -9 of a leader: p99 ≤ 6 s with default settings"
    static let controlledShutdownName = "controlled shutdown moves 100 partition leaders in < 1 s"
    /// Fewer kills than this give no p99 worth judging (the quick run makes 2).
    static let failoverKillsToJudge = 10

    static func cluster(_ r: BenchResults) -> [TargetResult] {
        var out: [TargetResult] = []
        if let failover = r.scenario(Bench.failoverID), let first = failover.petrel[.failoverSeconds] {
            let p99 = first.percentile(0.99)
            let kills = first.values.count
            let defaults = (failover.settings["broker.settings"] ?? "defaults") == "defaults"
            var measured = "p99 \(Format.seconds(p99)) over \(kills) kills (p50 \(Format.seconds(first.median)), max \(Format.seconds(first.max)))"
            if kills < failoverKillsToJudge { measured += " (fewer than \(failoverKillsToJudge) kills: not judged)" }
            if !defaults { measured += " (broker settings changed: not judged)" }
            out.append(TargetResult(
                target: failoverName, measured: measured, met: kills >= failoverKillsToJudge && defaults ? p99 <= 6 : nil))
        } else {
            out.append(TargetResult(target: failoverName, measured: "not measured", met: nil))
        }
        if let shutdown = r.scenario(Bench.controlledShutdownID)?.petrel, let moved = shutdown[.leadersMovedSeconds],
           let count = shutdown[.partitionsMoved]?.min
        {
            let runs = moved.values.count
            var measured = "\(Format.seconds(moved.median)) for \(Format.fixed(count, 0)) leaders (median of \(runs) run\(runs == 1 ? "" : "s"))"
            if let exit = shutdown[.exitSeconds] { measured += "; the process exited after \(Format.seconds(exit.median))" }
            if count < 100 { measured += " (fewer than 100 leaders: not judged)" }
            out.append(TargetResult(target: controlledShutdownName, measured: measured, met: count >= 100 ? moved.median < 1 : nil))
        } else {
            out.append(TargetResult(target: controlledShutdownName, measured: "not measured", met: nil))
        }
        return out
    }
}

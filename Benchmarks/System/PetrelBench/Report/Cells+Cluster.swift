extension Cells {
    /// "p50 4.61 s · p99 5.20 s · max 5.20 s (10 kills) · all its partitions p50 4.70 s ·
    /// Metadata: broker gone p50 4.40 s, new leaders p50 4.45 s"
    static func failover(_ m: Measured) -> String {
        guard let first = m[.failoverSeconds] else { return "n/a" }
        let kills = first.values.count
        var text = "p50 \(Format.seconds(first.median)) · p99 \(Format.seconds(first.percentile(0.99)))"
        text += " · max \(Format.seconds(first.max)) (\(kills) kill\(kills == 1 ? "" : "s"))"
        if let all = m[.takeoverAllSeconds] { text += " · all its partitions p50 \(Format.seconds(all.median))" }
        var metadata: [String] = []
        if let gone = m[.unlistedSeconds] { metadata.append("broker gone p50 \(Format.seconds(gone.median))") }
        if let moved = m[.leadersMovedSeconds] { metadata.append("new leaders p50 \(Format.seconds(moved.median))") }
        if let isr = m[.leftIsrSeconds] { metadata.append("out of every ISR p50 \(Format.seconds(isr.median))") }
        if !metadata.isEmpty { text += " · Metadata: " + metadata.joined(separator: ", ") }
        return text
    }

    /// "100 leaders moved in 0.35 s (0.30–0.40) · process exited after 1.20 s"
    static func controlledShutdown(_ m: Measured) -> String {
        guard let moved = m[.leadersMovedSeconds] else { return "n/a" }
        let count = m[.partitionsMoved].map { Format.fixed($0.min, 0) } ?? "?"
        var text = "\(count) leaders moved in \(Format.spread(moved, Format.seconds, bare: { Format.fixed($0, 2) }))"
        if let exit = m[.exitSeconds] { text += " · process exited after \(Format.seconds(exit.median))" }
        return text
    }
}

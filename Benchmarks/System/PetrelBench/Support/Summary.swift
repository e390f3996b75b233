/// Repeated measurements of one figure: the median is quoted, min and max show the spread.
struct Summary: Codable, Sendable, Equatable {
    var median: Double
    var min: Double
    var max: Double
    var values: [Double]

    init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
        self.values = values
    }

    /// The nearest-rank percentile of the values (`q` in 0...1): the smallest value with at
    /// least that share of the values at or below it. With 10 values p99 is the largest.
    func percentile(_ q: Double) -> Double {
        let sorted = values.sorted()
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }
}

/// Names of the figures a side records (keys of `Measured.metrics`).
enum Metric: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
    case bytesPerSecond, messagesPerSecond, brokerCPUSecondsPerGB
    /// CPU of this process (the librdkafka load generator, and for the mock the mock too).
    case clientCPUSecondsPerGB
    /// A loopback probe taken right before the repetition, and the run's bytes/s over it.
    case loopbackBytesPerSecond, shareOfLoopback
    case p50Micros, p99Micros, p999Micros, maxMicros, achievedRate
    case rssBytes, rssBaselineBytes, rssAfterCloseBytes, seconds, topicCreateSeconds
    /// Failover, per kill -9 of a leader: to the first acks=all acknowledgement of one of its
    /// partitions by another broker, and to the last of them.
    case failoverSeconds, takeoverAllSeconds
    /// After a kill or a SIGTERM, from the surviving brokers' Metadata: until none lists the
    /// broker, until every one names a new leader for each partition it led, and until it is
    /// out of every ISR of the topic.
    case unlistedSeconds, leadersMovedSeconds, leftIsrSeconds
    /// Controlled shutdown: SIGTERM to process exit, and how many leaders had to move.
    case exitSeconds, partitionsMoved
}

/// One side (Petrel or the mock) of a scenario: each metric over the repetitions.
struct Measured: Codable, Sendable {
    var metrics: [Metric: Summary] = [:]
    var errors: [String] = []
    /// Caveats worth printing next to the figure (e.g. why the mock did not run).
    var notes: [String] = []

    subscript(_ metric: Metric) -> Summary? {
        get { metrics[metric] }
        set { metrics[metric] = newValue }
    }

    /// Collects per-repetition values before summarizing.
    struct Samples {
        private var values: [Metric: [Double]] = [:]
        private var notes: [String] = []
        mutating func add(_ metric: Metric, _ value: Double) { values[metric, default: []].append(value) }
        func count(_ metric: Metric) -> Int { values[metric]?.count ?? 0 }
        func last(_ metric: Metric) -> Double? { values[metric]?.last }
        mutating func note(_ text: String) { if !notes.contains(text) { notes.append(text) } }
        var measured: Measured {
            var m = Measured()
            for (metric, list) in values { m.metrics[metric] = Summary(list) }
            m.notes = notes
            return m
        }
    }
}

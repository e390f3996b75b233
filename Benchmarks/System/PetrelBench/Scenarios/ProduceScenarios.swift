import RdKafkaLoad

/// One produce workload: record size, acks, partitions, compression.
struct ProduceScenario: Sendable {
    var recordSize: Int
    var acks: String
    var partitions: Int32
    var compression: String

    var id: String { "produce-\(Format.sizeLabel(recordSize))-acks\(acks == "-1" ? "all" : acks)-p\(partitions)-\(compression)" }

    var title: String {
        "produce \(Format.sizeLabel(recordSize, spaced: true)), acks=\(acks), \(partitions) partition\(partitions == 1 ? "" : "s"), \(compression)"
    }

    /// Large batches: up to 1 MB or 10,000 records per batch, 5 ms linger; 64 MiB of local
    /// queue. Records carry no key, so librdkafka's default (sticky) partitioner spreads them.
    var properties: RdKafkaProperties {
        [
            "acks": acks, "compression.type": compression, "linger.ms": "5", "batch.size": "1000000",
            "batch.num.messages": "10000", "queue.buffering.max.kbytes": "65536",
        ]
    }

    /// The matrix: every size x acks x {1, 32} partitions uncompressed, and lz4 with acks=1.
    /// (acks=1 and acks=-1 take the same path on a single broker, so lz4 is not doubled.)
    static let matrix: [ProduceScenario] = {
        var list: [ProduceScenario] = []
        for size in [100, 1024, 16384] {
            for acks in ["1", "-1"] {
                for partitions: Int32 in [1, 32] {
                    list.append(ProduceScenario(recordSize: size, acks: acks, partitions: partitions, compression: "none"))
                }
            }
            for partitions: Int32 in [1, 32] {
                list.append(ProduceScenario(recordSize: size, acks: "1", partitions: partitions, compression: "lz4"))
            }
        }
        return list
    }()

    /// The figure the 1 KiB targets and the latency runs refer to.
    static let reference = ProduceScenario(recordSize: 1024, acks: "1", partitions: 1, compression: "none")
    static let reference32 = ProduceScenario(recordSize: 1024, acks: "1", partitions: 32, compression: "none")
}

extension Bench {
    func runProduceMatrix() {
        for scenario in ProduceScenario.matrix where plan.includes(scenario.id) {
            _ = runProduce(scenario)
        }
    }

    /// Timed full-speed produce on each side; broker CPU is sampled at the window's edges.
    /// `on` and `mockNote` as in `sideBySide`.
    @discardableResult
    func runProduce(
        _ scenario: ProduceScenario, id: String? = nil, title: String? = nil, on chosen: [any BenchCluster]? = nil,
        mockNote: String? = nil
    ) -> ScenarioResult {
        let topic = "bench-\(id ?? scenario.id)"
        let properties = scenario.properties.merging(plan.rdkafka) { $1 }
        let payloads = payloads(size: scenario.recordSize)
        var created: Set<Side> = []
        var settings = properties
        settings["record.bytes"] = "\(scenario.recordSize)"
        settings["partitions"] = "\(scenario.partitions)"
        let result = sideBySide(
            id: id ?? scenario.id, title: title ?? scenario.title, kind: .throughput, settings: settings, mockNote: mockNote,
            on: chosen
        ) { cluster, _, samples in
            if !created.contains(cluster.side) {
                let start = MonotonicClock.now()
                try cluster.beginScenario(topic: topic, partitions: scenario.partitions)
                created.insert(cluster.side)
                if cluster.side == .petrel {
                    samples.add(.topicCreateSeconds, MonotonicClock.seconds(MonotonicClock.now() - start))
                }
            }
            let bootstrap = try cluster.beginRun(topic: topic, partitions: scenario.partitions)
            let sampler = cluster.sampler
            var cpu: (start: Double?, end: Double?) = (nil, nil)
            var client: (start: Double, end: Double) = (0, 0)
            let run = ProduceRun(bootstrap: bootstrap, topic: topic, properties: properties, payloads: payloads)
            let outcome = try run.timed(warmup: plan.warmup, window: plan.window) { edge in
                switch edge {
                case .start: (cpu.start, client.start) = (sampler?.cpuSeconds(), ownCPUSeconds())
                case .end: (cpu.end, client.end) = (sampler?.cpuSeconds(), ownCPUSeconds())
                }
            }
            if outcome.failed > 0 {
                throw LoadError("\(outcome.failed) messages failed: \(outcome.firstError ?? "?")")
            }
            guard outcome.messages > 0 else { throw LoadError("nothing was delivered within the window") }
            samples.add(.bytesPerSecond, outcome.bytesPerSecond)
            samples.add(.messagesPerSecond, outcome.messagesPerSecond)
            let gigabytes = Double(outcome.bytes) / 1e9
            if let a = cpu.start, let b = cpu.end { samples.add(.brokerCPUSecondsPerGB, (b - a) / gigabytes) }
            samples.add(.clientCPUSecondsPerGB, (client.end - client.start) / gigabytes)
            if let rss = sampler?.residentBytes() { samples.add(.rssBytes, rss) }
        }
        if let sides = try? chosen ?? clusters() {
            for cluster in sides where created.contains(cluster.side) { cluster.endScenario(topic: topic) }
        }
        return result
    }
}

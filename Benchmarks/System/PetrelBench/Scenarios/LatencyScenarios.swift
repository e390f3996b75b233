import RdKafkaLoad

extension Bench {
    /// End-to-end latency of 1 KiB records on one partition at 10k msg/s and at half of
    /// Petrel's measured peak (the 1 KiB acks=1 produce figure), the same rate on both sides.
    func runLatency() {
        let fixed = "latency-1KiB-10k"
        let half = "latency-1KiB-50pct"
        if plan.includes(fixed) { runLatency(id: fixed, rate: 10_000, label: "10k msg/s") }
        guard plan.includes(half) else { return }
        let reference = results.scenario(ProduceScenario.reference.id) ?? runProduce(ProduceScenario.reference)
        guard let peak = reference.petrel[.messagesPerSecond]?.median, peak > 0 else {
            record(ScenarioResult(
                id: half, title: "end-to-end latency at 50% of peak", kind: .latency, settings: [:],
                petrel: Measured(errors: ["no peak figure: \(ProduceScenario.reference.id) failed"]), mock: nil))
            return
        }
        runLatency(id: half, rate: (peak / 2).rounded(), label: "50% of peak, \(Format.count(peak / 2)) msg/s")
    }

    private func runLatency(id: String, rate: Double, label: String) {
        let payloads = payloads(size: 1024)
        // Small batches for latency: 1 ms linger. The consumer keeps librdkafka's defaults,
        // except that it resumes at the log start if its offset was pruned (the mock).
        let producerProperties: RdKafkaProperties = ["acks": "1", "linger.ms": "1"].merging(plan.rdkafka) { $1 }
        let consumerProperties: RdKafkaProperties = ["auto.offset.reset": "earliest"].merging(plan.rdkafka) { $1 }
        var settings = producerProperties
        settings["rate"] = "\(Int(rate))"
        settings["record.bytes"] = "1024"
        sideBySide(id: id, title: "end-to-end latency, 1 KiB, acks=1, \(label)", kind: .latency, settings: settings) {
            cluster, rep, samples in
            let topic = "bench-\(id)-\(rep)"
            try cluster.beginScenario(topic: topic, partitions: 1)
            defer { cluster.endScenario(topic: topic) }
            let bootstrap = try cluster.beginRun(topic: topic, partitions: 1)
            let run = LatencyRun(
                bootstrap: bootstrap, topic: topic, partitions: 1, producerProperties: producerProperties,
                consumerProperties: consumerProperties, payloads: payloads)
            let outcome = try run.run(rate: rate, warmup: plan.latencyWarmup, window: plan.latencyWindow)
            guard outcome.samples > 0 else { throw LoadError("no latency samples") }
            if cluster.side == .mock {
                // rdkafka_mock_handlers.c: an empty fetch is answered after MaxWait, never
                // woken by a produce; and each partition keeps only its last 5 MiB.
                samples.note("the mock answers an empty fetch only after fetch.wait.max.ms")
            }
            if outcome.lost > 0 {
                // Petrel must never lose an acknowledged record; the mock prunes old data.
                guard cluster.side == .mock else {
                    throw LoadError("\(outcome.lost) of \(outcome.produced) acknowledged messages never reached the consumer")
                }
                samples.note("some records were pruned before they were read (5 MiB per partition)")
            }
            if outcome.achievedRate < rate * 0.95 {
                samples.note("producer reached only \(Format.count(outcome.achievedRate)) msg/s")
            }
            samples.add(.p50Micros, outcome.p50)
            samples.add(.p99Micros, outcome.p99)
            samples.add(.p999Micros, outcome.p999)
            samples.add(.maxMicros, outcome.max)
            samples.add(.achievedRate, outcome.achievedRate)
        }
    }
}

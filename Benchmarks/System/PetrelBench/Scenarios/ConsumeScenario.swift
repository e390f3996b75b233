import RdKafkaLoad

extension Bench {
    /// The mock prunes each partition's log to its last 5 MiB (rdkafka_mock.c), so it can
    /// serve a whole topic only when every partition holds less than that.
    static let mockRetentionNote = "n/a: the mock keeps only the last 5 MiB per partition"

    /// A topic pre-written with 1 KiB records (1 GiB in the full run), read from the beginning
    /// by a fresh consumer each repetition: one partition (Petrel only), and 256 partitions of
    /// 4 MiB each, which the mock can hold.
    func runConsume() {
        runConsume(partitions: 1, mockNote: Self.mockRetentionNote)
        runConsume(partitions: 256, mockNote: nil)
    }

    private func runConsume(partitions: Int32, mockNote: String?) {
        let id = "consume-1KiB-p\(partitions)"
        guard plan.includes(id) else { return }
        let topic = "bench-\(id)"
        let recordSize = 1024
        let count = plan.consumeBytes / recordSize
        let payloads = payloads(size: recordSize)
        let producerProperties = ProduceScenario.reference.properties.merging(plan.rdkafka) { $1 }
        // Throughput settings: up to 8 MiB per partition per fetch, 64 MiB fetches, a deep
        // prefetch queue.
        let consumerProperties: RdKafkaProperties = [
            "max.partition.fetch.bytes": "8388608", "fetch.max.bytes": "67108864",
            "queued.max.messages.kbytes": "262144",
        ].merging(plan.rdkafka) { $1 }
        var filled: [Side: String] = [:]
        var settings = consumerProperties
        settings["record.bytes"] = "\(recordSize)"
        settings["topic.bytes"] = "\(count * recordSize)"
        settings["partitions"] = "\(partitions)"
        let title = "consume a \(Format.bytes(Double(count * recordSize))) topic of 1 KiB records, "
            + "\(partitions) partition\(partitions == 1 ? "" : "s")"
        sideBySide(id: id, title: title, kind: .throughput, settings: settings, mockNote: mockNote) { cluster, _, samples in
            if filled[cluster.side] == nil {
                try cluster.beginScenario(topic: topic, partitions: partitions)
                let bootstrap = try cluster.beginRun(topic: topic, partitions: partitions)
                log("\(cluster.side.rawValue): writing \(count) records to \(topic)")
                let fill = ProduceRun(bootstrap: bootstrap, topic: topic, properties: producerProperties, payloads: payloads)
                _ = try fill.counted(count, partitions: partitions)
                filled[cluster.side] = bootstrap
            }
            guard let bootstrap = filled[cluster.side] else { return }
            let run = ConsumeRun(bootstrap: bootstrap, topic: topic, partitions: partitions, properties: consumerProperties)
            let sampler = cluster.sampler
            let cpuStart = sampler?.cpuSeconds()
            let clientStart = ownCPUSeconds()
            let outcome = try run.run(expected: UInt64(count))
            let clientSeconds = ownCPUSeconds() - clientStart
            samples.add(.bytesPerSecond, outcome.bytesPerSecond)
            samples.add(.messagesPerSecond, outcome.messagesPerSecond)
            if let a = cpuStart, let b = sampler?.cpuSeconds(), outcome.totalMessages > 0 {
                let gb = Double(outcome.totalMessages) * Double(recordSize) / 1e9
                samples.add(.brokerCPUSecondsPerGB, (b - a) / gb)
            }
            if outcome.totalMessages > 0 {
                samples.add(.clientCPUSecondsPerGB, clientSeconds / (Double(outcome.totalMessages) * Double(recordSize) / 1e9))
            }
        }
        if let sides = try? clusters() {
            for cluster in sides where filled[cluster.side] != nil { cluster.endScenario(topic: topic) }
        }
    }
}

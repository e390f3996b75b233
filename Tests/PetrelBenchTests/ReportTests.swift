import Testing
@testable import petrel_bench

@Suite struct ReportTests {
    static func results(produce: Double, consume: Double, mockProduce: Double, loopback: Double) -> BenchResults {
        var r = BenchResults(
            startedAt: "2026-01-01T00:00:00Z", command: "petrel-bench", mode: "full", repeats: 3,
            machine: MachineInfo(cpuModel: "test", cpus: 2, memoryGiB: 1, kernel: "Linux", hostname: "h"), librdkafka: "2.0.2")
        func measured(_ bytes: Double) -> Measured {
            var s = Measured.Samples()
            for v in [bytes * 0.9, bytes, bytes * 1.1] { s.add(.bytesPerSecond, v) }
            return s.measured
        }
        r.limits = [LimitResult(id: Bench.loopbackLimit, title: "loopback", metrics: [.bytesPerSecond: Summary([loopback])!])]
        r.scenarios = [
            ScenarioResult(
                id: ProduceScenario.reference.id, title: "produce 1 KiB", kind: .throughput, settings: [:],
                petrel: measured(produce), mock: measured(mockProduce)),
            ScenarioResult(id: "consume-1KiB-p1", title: "consume", kind: .throughput, settings: [:], petrel: measured(consume), mock: nil),
        ]
        return r
    }

    @Test func targetsCompareAgainstTheLoopbackLimitOfTheSameRun() {
        let r = Self.results(produce: 1_000, consume: 500, mockProduce: 800, loopback: 2_000)
        let targets = Targets.evaluate(r, idleConnectionsPlanned: 10_000)
        let byName = Dictionary(uniqueKeysWithValues: targets.map { ($0.target, $0) })
        #expect(byName["produce 1 KiB, acks=1, large batches ≥ 40 % of loopback"]?.met == true)
        #expect(byName["consume ≥ 60 % of loopback"]?.met == false)
        #expect(byName["ahead of librdkafka's mock cluster on every throughput scenario"]?.met == true)
        #expect(byName["100 B records ≥ 1,000,000 msg/s"]?.met == nil)
        #expect(byName["10,000 idle connections under 1 GiB RSS"]?.met == nil)
    }

    @Test func theTableShowsShareOfLimitAndRatioToTheMock() {
        var r = Self.results(produce: 1_000_000_000, consume: 500_000_000, mockProduce: 500_000_000, loopback: 2_000_000_000)
        r.targets = Targets.evaluate(r, idleConnectionsPlanned: 10_000)
        let text = MarkdownReport.render(r)
        #expect(text.contains("| produce 1 KiB | 1.00 GB/s (0.90–1.10) | 50.0 % | 500 MB/s (450–550) | 2.00× |  |  |"))
        #expect(text.contains("| consume ≥ 60 % of loopback | 25.0 % (500 MB/s of 2.00 GB/s) | **no** |"))
    }

    @Test func formatsPickReadableUnits() {
        #expect(Format.rate(2_710_000_000) == "2.71 GB/s")
        #expect(Format.rate(412_300_000) == "412 MB/s")
        #expect(Format.count(1_050_000) == "1.05M")
        #expect(Format.count(402_000) == "402k")
        #expect(Format.micros(850) == "850 µs")
        #expect(Format.micros(2_300) == "2.3 ms")
        #expect(Format.bytes(1024 * 1024 * 1024) == "1 GiB")
        #expect(Format.sizeLabel(16384, spaced: true) == "16 KiB")
    }
}

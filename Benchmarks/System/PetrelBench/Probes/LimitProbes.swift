import Foundation

extension Bench {
    static let loopbackLimit = "loopback-tcp"
    static let diskLimit = "page-cache-append"
    static let syncLimit = "fdatasync-4KiB"
    static let checksumLimit = "crc32c"
    static let latencyLimit = "loopback-latency-10k"
    static let loopbackTitle = "loopback TCP, 1 stream, 1 MiB writes (also before every throughput repetition)"

    /// Measures the machine's limits; called at the start and the end of the run so the
    /// summaries span whatever the machine's load did in between.
    func measureLimits() {
        let payloads = payloads(size: 1024)
        let directory = NSTemporaryDirectory()
        let loopbackRuns = plan.quick ? 1 : 3
        for _ in 0..<loopbackRuns {
            do {
                let rate = try LoopbackProbe.run(seconds: plan.loopbackSeconds, payloads: payloads)
                addLimit(Self.loopbackLimit, title: Self.loopbackTitle, .bytesPerSecond, rate)
            } catch {
                log("loopback probe failed: \(error)")
            }
            do {
                let rate = try DiskProbe.appendRate(directory: directory, bytes: plan.diskBytes, payloads: payloads)
                addLimit(Self.diskLimit, title: "page-cache append, 1 MiB writes (\(directory))", .bytesPerSecond, rate)
            } catch {
                log("disk probe failed: \(error)")
            }
        }
        do {
            let sync = try DiskProbe.syncLatency(directory: directory, count: plan.syncCount)
            addLimit(Self.syncLimit, title: "4 KiB append + fdatasync", .p50Micros, sync.p50)
            addLimit(Self.syncLimit, title: "4 KiB append + fdatasync", .p99Micros, sync.p99)
        } catch {
            log("fdatasync probe failed: \(error)")
        }
        do {
            let l = try LoopbackLatencyProbe.run(rate: 10_000, seconds: plan.quick ? 0.3 : 1.0)
            let title = "loopback TCP one-way latency, 1 KiB at 10k msg/s"
            addLimit(Self.latencyLimit, title: title, .p50Micros, l.p50)
            addLimit(Self.latencyLimit, title: title, .p99Micros, l.p99)
            addLimit(Self.latencyLimit, title: title, .p999Micros, l.p999)
        } catch {
            log("loopback latency probe failed: \(error)")
        }
        let crc = ChecksumProbe.run(bytes: plan.checksumBytes, payloads: payloads)
        addLimit(
            Self.checksumLimit, title: "CRC32C (KafkaProtocol, \(crc.hardware ? "SSE4.2" : "software")), 16 MiB buffer",
            .bytesPerSecond, crc.bytesPerSecond)
        log("limits: loopback \(limitText(Self.loopbackLimit)), page cache \(limitText(Self.diskLimit))")
    }

    private func limitText(_ id: String) -> String {
        finishLimits()
        return results.limit(id)?.metrics[.bytesPerSecond].map { Format.rate($0.median) } ?? "n/a"
    }
}

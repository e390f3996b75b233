import Foundation
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Synchronization

// petrel-cleaner-bench: the log cleaner's throughput (MB/s of dirty log cleaned) per codec, and
// the latency of appends to a partition with and without the cleaner compacting it.
// Build in release: swift build -c release --product petrel-cleaner-bench
//
//   petrel-cleaner-bench [--megabytes N] [--keys N] [--repeat N] [--codecs none,gzip,...]
//                        [--latency-megabytes N] [--append-rate N] [--dir PATH]

let options = BenchOptions(CommandLine.arguments.dropFirst())
let logger = Logger(label: "cleaner-bench", factory: { _ in SwiftLogNoOpLogHandler() })
print("petrel-cleaner-bench: \(options.megabytes) MB of dirty log per run over \(options.keys) keys, \(options.repeats) runs per codec (median shown)")

var rows: [[String]] = [["codec", "dirty MB", "records", "kept", "dirty MB/s", "read+write MB/s", "map MiB used", "seconds", "longest swap us"]]
var peakMap = 0
for codec in options.codecs {
    var runs: [CleanerRoundSummary] = []
    for _ in 0..<options.repeats {
        let bench = try BenchLog(root: options.dir, codec: codec, megabytes: options.megabytes, keys: options.keys)
        guard let summary = bench.cleaner().cleanOnce() else {
            print("no cleaning round ran for \(codec)")
            exit(1)
        }
        runs.append(summary)
        peakMap = max(peakMap, summary.mapBytesAllocated)
        bench.remove()
    }
    runs.sort { $0.throughputMBps < $1.throughputMBps }
    let median = runs[runs.count / 2]
    let seconds = Double(median.elapsedNs) / 1e9
    rows.append([
        codec.name, format(Double(median.mapBytesRead) / 1e6), "\(median.recordsRead)", "\(median.recordsKept)",
        format(median.throughputMBps), format(Double(median.mapBytesRead + median.bytesRead + median.bytesWritten) / 1e6 / seconds),
        format(Double(median.mapBytesAllocated) / 1_048_576), format(seconds), "\(median.longestSwapNs / 1_000)",
    ])
}
printTable(rows)
let defaults = LogCleanerConfig()
print("memory bound: dedupe map <= log.cleaner.dedupe.buffer.size = \(defaults.dedupeBufferSize / 1_048_576) MiB (24 B per key; largest map held here \(format(Double(peakMap) / 1_048_576)) MiB), plus I/O buffers of log.cleaner.io.buffer.size = \(defaults.ioBufferSize / 1024) KiB (each grows to the largest batch)")
print("peak RSS of this process: \(peakResidentMiB()) MiB")

// Append latency with and without the cleaner working on the same partition.
print("")
print("append latency: 1 KiB single-record batches at \(options.appendRate)/s to a compacted partition holding \(options.latencyMegabytes) MB of dirty log")
var latencyRows: [[String]] = [["cleaner", "appends", "p50 us", "p99 us", "p99.9 us", "max us"]]
// With the cleaner first: its round decides how many appends the comparison takes.
let busy = try BenchLog(root: options.dir, codec: .none, megabytes: options.latencyMegabytes, keys: options.keys)
let running = Atomic<Bool>(true)
let finished = DispatchSemaphore(value: 0)
let busyCleaner = busy.cleaner()
Thread {
    _ = busyCleaner.cleanOnce()
    running.store(false, ordering: .sequentiallyConsistent)
    finished.signal()
}.start()
let withCleaner = try measureAppends(busy.log, rate: options.appendRate, count: nil) { running.load(ordering: .sequentiallyConsistent) }
finished.wait()
busy.remove()
let idle = try BenchLog(root: options.dir, codec: .none, megabytes: options.latencyMegabytes, keys: options.keys)
let withoutCleaner = try measureAppends(idle.log, rate: options.appendRate, count: max(withCleaner.count, options.appendRate * 3)) { true }
idle.remove()
for (name, latencies) in [("off", withoutCleaner), ("running", withCleaner)] {
    latencyRows.append([name, "\(latencies.count)"] + [0.5, 0.99, 0.999, 1.0].map { format(percentile(latencies, $0) / 1000) })
}
printTable(latencyRows)

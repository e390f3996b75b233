import Foundation
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Synchronization

struct BenchOptions {
    var megabytes = 64
    var keys = 100_000
    var repeats = 3
    var codecs = CompressionCodec.allCases
    var latencyMegabytes = 256
    var appendRate = 2_000
    var dir = NSTemporaryDirectory()

    init<S: Sequence>(_ arguments: S) where S.Element == String {
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { break }
            switch flag {
            case "--megabytes": megabytes = Int(value) ?? megabytes
            case "--keys": keys = Int(value) ?? keys
            case "--repeat": repeats = max(Int(value) ?? repeats, 1)
            case "--codecs": codecs = value.split(separator: ",").compactMap { CompressionCodec(name: String($0)) }
            case "--latency-megabytes": latencyMegabytes = Int(value) ?? latencyMegabytes
            case "--append-rate": appendRate = Int(value) ?? appendRate
            case "--dir": dir = value
            default: print("unknown option \(flag)")
            }
        }
    }
}

/// A clock the bench moves to roll the last segment.
final class BenchClock: LogClock {
    private let now = Mutex(SystemLogClock().nowMs)
    var nowMs: Int64 { now.withLock { $0 } }
    func advance(by ms: Int64) { now.withLock { $0 += ms } }
}

/// A compacted partition in a temp directory holding about `megabytes` of keyed records, all
/// but a tiny active segment sealed (so all of it is dirty and cleanable).
final class BenchLog {
    let directory: String
    let log: PartitionLog
    let clock = BenchClock()

    init(root: String, codec: CompressionCodec, megabytes: Int, keys: Int) throws {
        directory = "\(root)/petrel-cleaner-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var config = LogConfig()
        config.segmentBytes = 32 << 20
        config.segmentMs = 60_000
        config.cleanupPolicy = .compact
        config.minCleanableDirtyRatio = 0
        log = try PartitionLog.open(directory: "\(directory)/bench-0", topic: "bench", partition: 0, config: config, clock: clock, logger: logger)
        var random = SplitMix64(seed: 0x5eed)
        // Values: 200 bytes of text from a small alphabet, so codecs compress them about 2:1.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789 ".utf8)
        var written = 0
        var sequence = 0
        while written < megabytes * 1_000_000 {
            var builder = RecordBatchBuilder(compression: codec)
            for _ in 0..<100 {
                let key = ByteBuffer(string: "key-\(Int.random(in: 0..<keys, using: &random))")
                var value = ByteBuffer()
                value.writeBytes((0..<200).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
                builder.append(key: key, value: value, timestamp: clock.nowMs)
                sequence += 1
            }
            let batch = try builder.build()
            written += batch.readableBytes
            _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        }
        clock.advance(by: 60_001)
        let tail = try Self.oneRecord(key: "tail", size: 10, timestamp: clock.nowMs)
        _ = try log.append(tail, leaderEpoch: 0, logAppendTime: nil)
        log.updateHighWatermark(log.logEndOffset)
        try log.flush()
    }

    static func oneRecord(key: String, size: Int, timestamp: Int64) throws -> ByteBuffer {
        var builder = RecordBatchBuilder()
        builder.append(key: ByteBuffer(string: key), value: ByteBuffer(repeating: 0x61, count: size), timestamp: timestamp)
        return try builder.build()
    }

    /// A cleaner with the broker's defaults (128 MiB dedupe buffer, no rate limit).
    func cleaner() -> LogCleaner {
        let log = self.log
        let dir = directory
        return LogCleaner(
            config: LogCleanerConfig(), dataDirs: [directory],
            logs: { [TopicPartition(topic: "bench", partition: 0): (log: log, dataDir: dir)] }, clock: clock, logger: logger)
    }

    func remove() {
        _ = try? log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Appends 1 KiB batches at `rate` per second, either `count` of them or while `keepGoing`;
/// returns each append's duration in nanoseconds.
func measureAppends(_ log: PartitionLog, rate: Int, count: Int?, keepGoing: () -> Bool) throws -> [Double] {
    var latencies: [Double] = []
    latencies.reserveCapacity(count ?? 100_000)
    let interval = Duration.nanoseconds(1_000_000_000 / max(rate, 1))
    let clock = ContinuousClock()
    var next = clock.now
    var index = 0
    let template = try BenchLog.oneRecord(key: "live", size: 1024, timestamp: 0)
    while count.map({ index < $0 }) ?? keepGoing() {
        let batch = template
        let start = clock.now
        _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        let elapsed = (clock.now - start).components
        latencies.append(Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) / 1e9)
        log.updateHighWatermark(log.logEndOffset)
        index += 1
        next = next.advanced(by: interval)
        let ahead = (next - clock.now).components
        if ahead.seconds > 0 || ahead.attoseconds > 0 {
            Thread.sleep(forTimeInterval: Double(ahead.seconds) + Double(ahead.attoseconds) / 1e18)
        }
    }
    return latencies
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

func format(_ value: Double) -> String { String(format: value >= 100 ? "%.0f" : "%.1f", value) }

func printTable(_ rows: [[String]]) {
    let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  "))
    }
}

func peakResidentMiB() -> String {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return "?" }
    return format(Double(kb) / 1024)
}

/// A fast deterministic generator (SplitMix64): the system one makes a system call per number.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

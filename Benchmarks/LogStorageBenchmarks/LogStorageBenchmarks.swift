import Benchmark
import Foundation
import KafkaProtocol
import LogStorage
import Logging
import NIOCore

/// The read side of a fetch below the network: finding the batch that holds an offset (offset
/// index binary search, then a short header scan) and the timestamp lookup ListOffsets uses.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(1), maxIterations: 1_000_000)

    Benchmark("PartitionLog read at a random offset (index lookup + scan, 1 batch)") { benchmark, log in
        var rng = SystemRandomNumberGenerator()
        let end = log.log.logEndOffset
        for _ in benchmark.scaledIterations {
            let offset = Int64.random(in: 0..<end, using: &rng)
            blackHole(try log.log.read(from: offset, maxBytes: 1, maxOffset: end, minOneBatch: true))
        }
    } setup: {
        try FilledLog(batches: 50_000)
    } teardown: {
        FilledLog.removeAll()
    }

    Benchmark("PartitionLog offset for timestamp (time index lookup + scan)") { benchmark, log in
        var rng = SystemRandomNumberGenerator()
        for _ in benchmark.scaledIterations {
            let ts = Int64.random(in: FilledLog.baseTimestamp..<(FilledLog.baseTimestamp + log.span), using: &rng)
            blackHole(try log.log.offset(forTimestamp: ts))
        }
    } setup: {
        try FilledLog(batches: 50_000)
    } teardown: {
        FilledLog.removeAll()
    }
}

/// A partition log in a temporary directory holding `batches` batches of 10 x 100 B records,
/// one millisecond apart, in 16 MiB segments (so lookups cross several segments' indexes).
final class FilledLog: Sendable {
    static let baseTimestamp: Int64 = 1_700_000_000_000
    static let root = NSTemporaryDirectory() + "petrel-logstorage-bench-\(getpid())"
    let log: PartitionLog
    let span: Int64

    init(batches: Int) throws {
        try FileManager.default.createDirectory(atPath: Self.root, withIntermediateDirectories: true)
        let dir = Self.root + "/\(UUID().uuidString)"
        var config = LogConfig()
        config.segmentBytes = 16 << 20
        log = try PartitionLog.open(directory: dir, topic: "bench", partition: 0, config: config, logger: Logger(label: "bench"))
        let value = ByteBuffer(bytes: Array(repeating: UInt8(ascii: "x"), count: 100))
        for i in 0..<batches {
            var builder = RecordBatchBuilder()
            for r in 0..<10 { builder.append(key: nil, value: value, timestamp: Self.baseTimestamp + Int64(i) + Int64(r % 2)) }
            let batch = try builder.build()
            _ = try log.append(batch, leaderEpoch: 0, logAppendTime: nil)
        }
        log.updateHighWatermark(log.logEndOffset)
        span = Int64(batches)
    }

    static func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

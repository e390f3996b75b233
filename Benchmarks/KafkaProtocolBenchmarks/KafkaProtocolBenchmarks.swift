import Benchmark
import KafkaProtocol
import NIOCore

/// The broker's per-request hot paths, below the network: decoding a Produce request, checking
/// a record batch (CRC, framing, every record's varints; lz4 inflated first), CRC32C itself.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(1), maxIterations: 100_000)

    let policy = RecordValidationPolicy()
    let now = Int64(1_700_000_000_000)

    Benchmark("Produce request decode (frame header + body, 1 MB batch)") { benchmark, frame in
        for _ in benchmark.scaledIterations {
            var request = try RequestFrame(frame: frame)
            blackHole(try ProduceRequest(from: &request.body, version: request.header.requestApiVersion))
        }
    } setup: {
        ProtocolFixtures.produceFrame(batch: try ProtocolFixtures.batch(recordSize: 1024, count: 1000, compression: .none))
    }

    Benchmark("Produce request decode (32 partitions x 32 KiB)") { benchmark, frame in
        for _ in benchmark.scaledIterations {
            var request = try RequestFrame(frame: frame)
            blackHole(try ProduceRequest(from: &request.body, version: request.header.requestApiVersion))
        }
    } setup: {
        ProtocolFixtures.produceFrame(batch: try ProtocolFixtures.batch(recordSize: 1024, count: 32, compression: .none), partitions: 32)
    }

    for (label, size, count, codec) in [
        ("1000 x 1 KiB, none", 1024, 1000, CompressionCodec.none),
        ("9000 x 100 B, none", 100, 9_000, .none),
        ("1000 x 1 KiB, lz4", 1024, 1000, .lz4),
    ] {
        Benchmark("RecordBatch validation (\(label))") { benchmark, batch in
            for _ in benchmark.scaledIterations {
                if case .failure(let e) = RecordBatchValidator.validate(batch, policy: policy, requestVersion: 9, now: now) {
                    benchmark.error("rejected: \(e)")
                }
            }
        } setup: {
            try ProtocolFixtures.batch(recordSize: size, count: count, compression: codec)
        }
    }

    // As the broker validates: one decompression buffer reused across batches.
    Benchmark("RecordBatch validation (1000 x 1 KiB, lz4, reused buffer)") { benchmark, batch in
        var buffer = ByteBuffer()
        for _ in benchmark.scaledIterations {
            if case .failure(let e) = RecordBatchValidator.validate(
                batch, policy: policy, requestVersion: 9, now: now, decompressionBuffer: &buffer) {
                benchmark.error("rejected: \(e)")
            }
        }
    } setup: {
        try ProtocolFixtures.batch(recordSize: 1024, count: 1000, compression: .lz4)
    }

    Benchmark("CRC32C (1 MiB)", configuration: .init(scalingFactor: .one)) { benchmark, bytes in
        bytes.withUnsafeBytes { raw in
            for _ in benchmark.scaledIterations { blackHole(CRC32C.checksum(raw)) }
        }
    } setup: {
        (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    }
}

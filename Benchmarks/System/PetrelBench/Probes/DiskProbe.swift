import Foundation
import Histogram
import RdKafkaLoad

/// The storage limits on the file system the broker writes to: appending 1 MiB chunks into the
/// page cache (what a produce costs before any fsync), and the latency of a 4 KiB append plus
/// fdatasync (what `flush.messages=1` costs per group of requests).
enum DiskProbe {
    /// Bytes per second appending `bytes` in 1 MiB writes to a new file in `directory`.
    static func appendRate(directory: String, bytes: Int, payloads: PayloadSet) throws -> Double {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { chunk.deallocate() }
        payloads.fill(chunk)
        return try withScratchFile(directory) { fd in
            let start = MonotonicClock.now()
            var written = 0
            while written < bytes {
                let n = write(fd, chunk.baseAddress, chunk.count)
                guard n > 0 else { throw LoadError("disk probe: write failed (errno \(errno))") }
                written += n
            }
            return Double(written) / MonotonicClock.seconds(MonotonicClock.now() - start)
        }
    }

    /// fdatasync latency percentiles (p50, p99) in microseconds over `count` 4 KiB appends.
    static func syncLatency(directory: String, count: Int) throws -> (p50: Double, p99: Double) {
        var block = [UInt8](repeating: 0x61, count: 4096)
        return try withScratchFile(directory) { fd in
            var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
            for i in 0..<count {
                block[0] = UInt8(truncatingIfNeeded: i)
                let n = block.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard n == 4096 else { throw LoadError("disk probe: write failed (errno \(errno))") }
                let start = MonotonicClock.now()
                guard fdatasync(fd) == 0 else { throw LoadError("disk probe: fdatasync failed (errno \(errno))") }
                _ = histogram.record((MonotonicClock.now() - start) / 1_000)
            }
            return (Double(histogram.valueAtPercentile(50)), Double(histogram.valueAtPercentile(99)))
        }
    }

    private static func withScratchFile<T>(_ directory: String, _ body: (Int32) throws -> T) throws -> T {
        let path = directory + "/petrel-bench-probe-\(getpid()).tmp"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LoadError("disk probe: cannot create \(path) (errno \(errno))") }
        defer {
            close(fd)
            unlink(path)
        }
        return try body(fd)
    }
}

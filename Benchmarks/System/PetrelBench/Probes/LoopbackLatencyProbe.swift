import Foundation
import Histogram
import RdKafkaLoad

/// The latency floor of this machine right now: 1 KiB messages sent at a fixed rate over one
/// loopback TCP connection (TCP_NODELAY) to a reader thread, each stamped with its due time,
/// as the end-to-end latency runs do. A broker path has two such hops plus the broker, so its
/// tail cannot beat this one's when the machine is busy.
enum LoopbackLatencyProbe {
    static let messageBytes = 1024

    /// (p50, p99, p99.9, max) in microseconds.
    static func run(rate: Double, seconds: Double) throws -> (p50: Double, p99: Double, p999: Double, max: Double) {
        let listener = try Socket.listen()
        defer { close(listener.fd) }
        let reader = Reader(listener: listener.fd)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            reader.run()
            done.signal()
        }
        let fd = try Socket.connect(port: listener.port)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var message = [UInt8](repeating: 0x61, count: messageBytes)
        let interval = 1e9 / rate
        let start = MonotonicClock.now() + 10_000_000
        let end = start + UInt64(seconds * 1e9)
        var sent: UInt64 = 0
        var failed = false
        while !failed {
            let due = start + UInt64(Double(sent) * interval)
            if due >= end { break }
            if due > MonotonicClock.now() + 50_000 { MonotonicClock.sleep(until: due) }
            message.withUnsafeMutableBytes { $0.storeBytes(of: due.littleEndian, as: UInt64.self) }
            var offset = 0
            while offset < messageBytes {
                let n = message.withUnsafeBytes { send(fd, $0.baseAddress.map { $0 + offset }, messageBytes - offset, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { failed = true; break }
                offset += n
            }
            sent += 1
        }
        close(fd)
        done.wait()
        if failed { throw LoadError("loopback latency probe: send failed (errno \(errno))") }
        let h = reader.histogram
        guard h.totalCount > 0 else { throw LoadError("loopback latency probe: nothing received") }
        return (Double(h.valueAtPercentile(50)), Double(h.valueAtPercentile(99)), Double(h.valueAtPercentile(99.9)), Double(h.max))
    }

    /// Reads whole messages and records now − stamp; read by the caller after its thread ends.
    private final class Reader: @unchecked Sendable {
        let listener: Int32
        var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)

        init(listener: Int32) { self.listener = listener }

        func run() {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            defer { close(fd) }
            var message = [UInt8](repeating: 0, count: LoopbackLatencyProbe.messageBytes)
            while true {
                var got = 0
                while got < message.count {
                    let n = message.withUnsafeMutableBytes { recv(fd, $0.baseAddress.map { $0 + got }, $0.count - got, 0) }
                    if n <= 0 { return }
                    got += n
                }
                let now = MonotonicClock.now()
                let stamp = message.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                if now >= stamp { _ = histogram.record((now - stamp) / 1_000) }
            }
        }
    }
}

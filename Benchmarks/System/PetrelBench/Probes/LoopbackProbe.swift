import Foundation
import RdKafkaLoad

/// The loopback TCP limit: one stream over 127.0.0.1 carrying the benchmark's own payload
/// bytes in 1 MiB writes, a sink thread reading and discarding. What the kernel can move
/// through one connection on this machine right now, which no broker can beat.
enum LoopbackProbe {
    static let chunkBytes = 1 << 20

    /// Bytes per second the sink received.
    static func run(seconds: Double, payloads: PayloadSet) throws -> Double {
        let listener = try Socket.listen()
        defer { close(listener.fd) }
        let sink = Sink(listener: listener.fd)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            sink.run()
            done.signal()
        }
        let fd = try Socket.connect(port: listener.port)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
        defer { chunk.deallocate() }
        payloads.fill(chunk)
        let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
        var failed = false
        while MonotonicClock.now() < deadline, !failed {
            var sent = 0
            while sent < chunkBytes {
                let n = send(fd, chunk.baseAddress.map { $0 + sent }, chunkBytes - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { failed = true; break }
                sent += n
            }
        }
        close(fd)
        done.wait()
        if failed { throw LoadError("loopback probe: send failed (errno \(errno))") }
        guard let rate = sink.rate else { throw LoadError("loopback probe: the sink received nothing") }
        return rate
    }

    /// The receiving end; read by the caller only after its thread has finished.
    private final class Sink: @unchecked Sendable {
        let listener: Int32
        var rate: Double?

        init(listener: Int32) { self.listener = listener }

        func run() {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            defer { close(fd) }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: LoopbackProbe.chunkBytes, alignment: 64)
            defer { buffer.deallocate() }
            var total = 0
            var first: UInt64?
            var last: UInt64 = 0
            var firstBytes = 0
            while true {
                let n = recv(fd, buffer.baseAddress, buffer.count, 0)
                if n <= 0 { break }
                last = MonotonicClock.now()
                if first == nil {
                    first = last
                    firstBytes = n
                }
                total += n
            }
            if let first, last > first { rate = Double(total - firstBytes) / MonotonicClock.seconds(last - first) }
        }
    }
}

/// Minimal blocking loopback sockets for the probes.
enum Socket {
    static func listen() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoadError("socket: errno \(errno)") }
        var addr = loopback(port: 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && Glibc.listen(fd, 16) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard ok else {
            close(fd)
            throw LoadError("listen on loopback: errno \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoadError("socket: errno \(errno)") }
        var addr = loopback(port: port)
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard ok else {
            close(fd)
            throw LoadError("connect to 127.0.0.1:\(port): errno \(errno)")
        }
        return fd
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return addr
    }
}

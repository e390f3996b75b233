import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// TCP ports on 127.0.0.1: is one free, is something listening, give me a free one.
public enum LoopbackPort {
    /// True when a server could listen on `port` now (bound with SO_REUSEADDR like the brokers and
    /// ZooKeeper, so a port with only TIME_WAIT connections counts as free; Linux still refuses
    /// the bind while anything listens on it, on 127.0.0.1 or on every address).
    public static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = loopback(port: port)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 && listen(fd, 1) == 0
            }
        }
    }

    /// True when something accepts connections on `port`.
    public static func isListening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = loopback(port: port)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// A port the kernel says is free now (bind to port 0).
    public static func pickFree() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalClusterError("Cannot open a socket to find a free port.") }
        defer { close(fd) }
        var addr = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw LocalClusterError("Cannot bind a socket on 127.0.0.1 to find a free port.") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// The first of `count` consecutive free ports, picked at random in `range` (by default
    /// below Linux's ephemeral range, so the kernel does not hand them to outgoing connections
    /// meanwhile, and away from Kafka's and ZooKeeper's usual 9092 and 2181).
    public static func freeRange(_ count: Int, in range: Range<Int> = 20_000..<32_000) throws -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: range.lowerBound..<(range.upperBound - count))
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        throw LocalClusterError("No \(count) consecutive free ports found between \(range.lowerBound) and \(range.upperBound).")
    }

    static func loopback(port: Int) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        return addr
    }
}

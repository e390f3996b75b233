import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// ZooKeeper's four-letter-word admin commands over a plain socket (`srvr`, `mntr`, `ruok`, ...).
public enum FourLetterWord {
    /// The answer, or nil when nothing answered within `timeout` seconds.
    public static func send(_ command: String, port: Int, timeout: TimeInterval = 1) -> String? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = LoopbackPort.loopback(port: port)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { return nil }
        let bytes = Array(command.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { return nil }
        shutdown(fd, Int32(SHUT_WR))
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            answer += chunk[0..<n]
        }
        return answer.isEmpty ? nil : String(decoding: answer, as: UTF8.self)
    }

    /// `standalone`, `leader` or `follower` from `srvr`; nil when the server does not answer or
    /// does not serve yet (`ruok` answers about 300 ms before the server serves, `srvr` does not).
    public static func mode(port: Int) -> String? {
        guard let answer = send("srvr", port: port) else { return nil }
        for line in answer.split(separator: "\n") where line.hasPrefix("Mode: ") {
            return String(line.dropFirst("Mode: ".count))
        }
        return nil
    }
}

import Foundation

/// A ZooKeeper ensemble of real servers (3 by default) on free loopback ports. Each member is a
/// `ZooKeeperProcess`; stop() or deinit kills them all.
public final class ZooKeeperEnsemble: @unchecked Sendable {
    public let members: [ZooKeeperProcess]

    /// `127.0.0.1:p1,127.0.0.1:p2,...`
    public var connectString: String { members.map(\.address).joined(separator: ",") }

    /// Starts every member and waits until each one serves (one leader, the rest followers).
    public static func start(size: Int = 3, tickTimeMs: Int = 200, maxSessionTimeoutMs: Int = 60_000) async throws
        -> ZooKeeperEnsemble
    {
        try ZooKeeperProcess.requireInstalled()
        let root = try TempDirectory.make(prefix: "petrel-zk-ensemble-")
        var ports: [(client: Int, quorum: Int, election: Int)] = []
        for _ in 0..<size { ports.append((try FreePort.pick(), try FreePort.pick(), try FreePort.pick())) }
        let peers = ports.enumerated().map { "server.\($0.offset + 1)=127.0.0.1:\($0.element.quorum):\($0.element.election)" }
        let members = try ports.enumerated().map { index, port in
            try ZooKeeperProcess(
                id: index + 1, clientPort: port.client, directory: "\(root)/n\(index + 1)", tickTimeMs: tickTimeMs,
                maxSessionTimeoutMs: maxSessionTimeoutMs, peers: peers)
        }
        let ensemble = ZooKeeperEnsemble(members: members, root: root)
        for member in members { try member.launch() }
        for member in members { try await member.waitUntilServing() }
        return ensemble
    }

    private let root: String

    init(members: [ZooKeeperProcess], root: String) {
        self.members = members
        self.root = root
    }

    /// The member listening at `address` (`127.0.0.1:port`), as a client reports its server.
    public func member(at address: String) -> ZooKeeperProcess? { members.first { $0.address == address } }

    /// The current leader, if one serves.
    public func leader() -> ZooKeeperProcess? { members.first { $0.mode() == "leader" } }

    public func stop() { for member in members { member.stop() } }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: root)
    }
}

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
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
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
}

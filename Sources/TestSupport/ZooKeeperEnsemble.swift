import Foundation
import LocalCluster

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
        let nodes = try (1...size).map { id in
            ZooKeeperNode(
                id: id, clientPort: try FreePort.pick(), quorumPort: try FreePort.pick(), electionPort: try FreePort.pick(),
                directory: "\(root)/n\(id)")
        }
        let tuning = ZooKeeperProcess.tuning(tickTimeMs: tickTimeMs, maxSessionTimeoutMs: maxSessionTimeoutMs)
        let members = try nodes.map { try ZooKeeperProcess(node: $0, ensemble: nodes, tuning: tuning) }
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

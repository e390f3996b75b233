import Foundation
import LocalCluster

/// A real ZooKeeper server from Debian's `zookeeper` package, launched by LocalCluster's
/// `ZooKeeperNode` on free loopback ports with a temp data dir: standalone, or one member of a
/// `ZooKeeperEnsemble`. Tests can SIGKILL, SIGTERM, SIGSTOP/SIGCONT and restart it; deinit
/// kills what is still running. It stays in the test's session, so Ctrl-C reaches it too.
public final class ZooKeeperProcess: @unchecked Sendable {
    /// Short ticks so sessions expire quickly; no fsync (the tests' data is thrown away).
    static func tuning(tickTimeMs: Int, maxSessionTimeoutMs: Int) -> ZooKeeperTuning {
        ZooKeeperTuning(tickTimeMs: tickTimeMs, maxSessionTimeoutMs: maxSessionTimeoutMs, forceSync: false, heapMegabytes: 128)
    }

    private let node: ZooKeeperNode
    private let tuning: ZooKeeperTuning
    private let lock = NSLock()
    private var pid: Int32?

    /// The member id (`myid`); 1 for a standalone server.
    public var id: Int { node.id }
    public var clientPort: Int { node.clientPort }
    public var directory: String { node.directory }
    public var configPath: String { node.configPath }
    public var logPath: String { node.logPath }
    /// `127.0.0.1:<clientPort>`, as it appears in a connect string.
    public var address: String { node.address }

    /// Fails with the fix when the package is missing: tests must not skip for that.
    public static func requireInstalled() throws {
        do {
            try ZooKeeperInstallation.require()
        } catch {
            throw TestSupportError("\(error) (scripts/install-deps does that)")
        }
    }

    /// Writes the config of `node`; `ensemble` lists every member (just `node` when standalone).
    init(node: ZooKeeperNode, ensemble: [ZooKeeperNode], tuning: ZooKeeperTuning) throws {
        self.node = node
        self.tuning = tuning
        try node.writeConfig(ensemble: ensemble, tuning: tuning)
    }

    /// Starts a standalone server and waits until it serves.
    public static func standalone(tickTimeMs: Int = 200, maxSessionTimeoutMs: Int = 60_000) async throws -> ZooKeeperProcess {
        try requireInstalled()
        let node = ZooKeeperNode(
            id: 1, clientPort: try FreePort.pick(), quorumPort: 0, electionPort: 0,
            directory: try TempDirectory.make(prefix: "petrel-zk-"))
        let server = try ZooKeeperProcess(
            node: node, ensemble: [node], tuning: tuning(tickTimeMs: tickTimeMs, maxSessionTimeoutMs: maxSessionTimeoutMs))
        try server.launch()
        try await server.waitUntilServing()
        return server
    }

    /// Launches the JVM (again, after a kill: same ports, same data) without waiting.
    public func launch() throws {
        try Self.requireInstalled()
        let started = try node.launch(tuning: tuning, detached: false)
        lock.withLock { pid = started }
    }

    /// Polls `srvr` until the server reports a serving mode; fails early if the JVM exits.
    public func waitUntilServing(timeout: TimeInterval = 60) async throws {
        var running = node
        running.pid = lock.withLock { pid }
        try await running.waitUntilServing(timeout: .seconds(timeout))
    }

    /// `standalone`, `leader`, `follower`, or nil when the server does not answer (or does not serve).
    public func mode() -> String? { node.mode() }

    public var isRunning: Bool { lock.withLock { pid }.map(ProcessTable.isAlive) ?? false }

    /// SIGKILL: no shutdown at all, as when a machine dies.
    public func kill9() { signalAndReap(SIGKILL) }

    /// SIGTERM and wait for the JVM to exit.
    public func terminate() { signalAndReap(SIGTERM) }

    /// SIGSTOP: the process stays, its sockets accept but nothing answers (a hung server).
    public func pause() { signal(SIGSTOP) }

    /// SIGCONT after `pause()`.
    public func resume() { signal(SIGCONT) }

    /// Kills the server if running, starts it again on the same ports and data, waits until it serves.
    public func restart() async throws {
        kill9()
        try launch()
        try await waitUntilServing()
    }

    public func stop() { kill9() }

    private func signal(_ sig: Int32) {
        guard let pid = lock.withLock({ pid }), ProcessTable.isAlive(pid) else { return }
        ProcessTable.signal(pid, sig)
    }

    private func signalAndReap(_ sig: Int32) {
        guard let current = lock.withLock({ pid }) else { return }
        if ProcessTable.isAlive(current) {
            ProcessTable.signal(current, sig)
            // A stopped process must be continued to act on SIGTERM.
            if sig != SIGKILL { ProcessTable.signal(current, SIGCONT) }
        }
        ProcessTable.waitForExitBlocking(current, timeout: .seconds(60))
        lock.withLock { if pid == current { pid = nil } }
    }

    public func logTail(_ bytes: Int = 3000) -> String { node.logTail(bytes) }

    /// Kills what still runs and removes the data dir and log (a failing start already reported
    /// the log's tail).
    deinit {
        if let pid, ProcessTable.isAlive(pid) {
            ProcessTable.signal(pid, SIGKILL)
            ProcessTable.waitForExitBlocking(pid, timeout: .seconds(10))
        }
        try? FileManager.default.removeItem(atPath: node.directory)
    }
}

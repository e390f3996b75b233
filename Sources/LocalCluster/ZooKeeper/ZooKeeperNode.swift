import Foundation

/// One ZooKeeper server of a local ensemble (or the standalone one): its ports and directory,
/// and the pid while it runs. Its config, `myid` and log live under `directory`.
public struct ZooKeeperNode: Codable, Sendable, Equatable {
    /// `myid`, 1-based.
    public var id: Int
    public var clientPort: Int
    /// Followers connect to the leader here.
    public var quorumPort: Int
    /// Leader election.
    public var electionPort: Int
    public var directory: String
    public var pid: Int32?

    public init(id: Int, clientPort: Int, quorumPort: Int, electionPort: Int, directory: String, pid: Int32? = nil) {
        self.id = id
        self.clientPort = clientPort
        self.quorumPort = quorumPort
        self.electionPort = electionPort
        self.directory = directory
        self.pid = pid
    }

    /// `127.0.0.1:<clientPort>`, as it appears in a connect string.
    public var address: String { "127.0.0.1:\(clientPort)" }
    public var configPath: String { directory + "/zoo.cfg" }
    public var dataDirectory: String { directory + "/data" }
    public var logPath: String { directory + "/zookeeper.log" }

    /// Writes zoo.cfg (and myid in an ensemble). `ensemble` lists every member, this one
    /// included; a single member runs standalone (no server.N lines).
    public func writeConfig(ensemble: [ZooKeeperNode], tuning: ZooKeeperTuning) throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        var lines = [
            "tickTime=\(tuning.tickTimeMs)", "initLimit=20", "syncLimit=10", "dataDir=\(dataDirectory)",
            "clientPort=\(clientPort)", "clientPortAddress=127.0.0.1", "maxSessionTimeout=\(tuning.maxSessionTimeoutMs)",
            // The admin server would take port 8080 on every member; 4lw commands answer readiness.
            "admin.enableServer=false", "4lw.commands.whitelist=*", "preAllocSize=1024",
        ]
        if ensemble.count > 1 {
            lines += ensemble.map { "server.\($0.id)=127.0.0.1:\($0.quorumPort):\($0.electionPort)" }
            try "\(id)\n".write(toFile: dataDirectory + "/myid", atomically: true, encoding: .utf8)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts the JVM on the written config; returns its pid. `detached`: in its own session.
    public func launch(tuning: ZooKeeperTuning, detached: Bool) throws -> Int32 {
        let java = try ZooKeeperInstallation.require()
        return try ProcessSpawner.spawn(
            executable: java, arguments: ZooKeeperInstallation.javaArguments(configPath: configPath, tuning: tuning),
            logPath: logPath, detached: detached)
    }

    /// `standalone`, `leader`, `follower`, or nil when it does not serve.
    public func mode() -> String? { FourLetterWord.mode(port: clientPort) }

    /// True while the recorded pid is this node's JVM.
    public var isRunning: Bool {
        guard let pid else { return false }
        return ProcessTable.isAlive(pid, withArgument: configPath)
    }

    /// Polls `srvr` until the server serves; fails early when the JVM exits.
    public func waitUntilServing(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let mode = mode(), ["standalone", "leader", "follower"].contains(mode) { return }
            if let pid, !ProcessTable.isAlive(pid) {
                throw LocalClusterError("ZooKeeper \(id) exited before serving; see \(logPath). Last lines: \(logTail(800))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LocalClusterError("ZooKeeper \(id) was not serving on port \(clientPort) within \(timeout); see \(logPath).")
    }

    public func logTail(_ bytes: Int = 3000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }
}

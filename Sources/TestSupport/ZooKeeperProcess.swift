import Foundation

/// A real ZooKeeper server from Debian's `zookeeper` package (QuorumPeerMain under java), on free
/// loopback ports with a temp data dir: standalone, or one member of a `ZooKeeperEnsemble`.
/// Tests can SIGKILL, SIGTERM, SIGSTOP/SIGCONT and restart it; deinit kills what is still running.
public final class ZooKeeperProcess: @unchecked Sendable {
    /// The member id (`myid`); 1 for a standalone server.
    public let id: Int
    public let clientPort: Int
    public let directory: String
    public let configPath: String
    public let logPath: String
    private let lock = NSLock()
    private var process: Process?

    /// `127.0.0.1:<clientPort>`, as it appears in a connect string.
    public var address: String { "127.0.0.1:\(clientPort)" }

    static let jar = "/usr/share/java/zookeeper.jar"
    static let classPath = [
        "/etc/zookeeper/conf", jar, "/usr/share/java/slf4j-log4j12.jar", "/usr/share/java/log4j-1.2.jar",
    ].joined(separator: ":")

    /// Fails with the fix when the package is missing: tests must not skip for that.
    public static func requireInstalled() throws {
        guard FileManager.default.fileExists(atPath: jar) else {
            throw TestSupportError(
                "ZooKeeper is not installed (\(jar) is missing): run scripts/install-deps (installs Debian's zookeeper package)")
        }
        guard javaPath() != nil else {
            throw TestSupportError("java is not installed: run scripts/install-deps (Debian's zookeeper package pulls it in)")
        }
    }

    static func javaPath() -> String? {
        var candidates = ["/usr/bin/java"]
        if let home = ProcessInfo.processInfo.environment["JAVA_HOME"] { candidates.insert(home + "/bin/java", at: 0) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Writes the config of one server. `peers` lists every member's `server.N` line for an
    /// ensemble, nothing for a standalone server.
    init(id: Int, clientPort: Int, directory: String, tickTimeMs: Int, maxSessionTimeoutMs: Int, peers: [String]) throws {
        self.id = id
        self.clientPort = clientPort
        self.directory = directory
        self.configPath = directory + "/zoo.cfg"
        self.logPath = directory + "/zookeeper.log"
        let dataDir = directory + "/data"
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        var config = [
            "tickTime=\(tickTimeMs)", "initLimit=20", "syncLimit=5", "dataDir=\(dataDir)",
            "clientPort=\(clientPort)", "clientPortAddress=127.0.0.1", "maxSessionTimeout=\(maxSessionTimeoutMs)",
            "admin.enableServer=false", "4lw.commands.whitelist=*", "preAllocSize=1024",
        ]
        config += peers
        try (config.joined(separator: "\n") + "\n").write(toFile: configPath, atomically: true, encoding: .utf8)
        if !peers.isEmpty { try "\(id)\n".write(toFile: dataDir + "/myid", atomically: true, encoding: .utf8) }
    }

    /// Starts a standalone server and waits until it serves.
    public static func standalone(tickTimeMs: Int = 200, maxSessionTimeoutMs: Int = 60_000) async throws -> ZooKeeperProcess {
        try requireInstalled()
        let server = try ZooKeeperProcess(
            id: 1, clientPort: try FreePort.pick(), directory: try TempDirectory.make(prefix: "petrel-zk-"),
            tickTimeMs: tickTimeMs, maxSessionTimeoutMs: maxSessionTimeoutMs, peers: [])
        try server.launch()
        try await server.waitUntilServing()
        return server
    }

    /// Launches the JVM (again, after a kill: same ports, same data) without waiting.
    public func launch() throws {
        try Self.requireInstalled()
        guard let java = Self.javaPath() else { return }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: java)
        p.arguments = [
            "-cp", Self.classPath, "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Dzookeeper.root.logger=INFO,CONSOLE", "-Dzookeeper.console.threshold=INFO", "-Dzookeeper.forceSync=no",
            "org.apache.zookeeper.server.quorum.QuorumPeerMain", configPath,
        ]
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        try p.run()
        lock.withLock { process = p }
    }

    /// Polls `srvr` (four-letter word) until the server reports a serving mode. `ruok` answers
    /// before the server serves, so it is not enough.
    public func waitUntilServing(timeout: TimeInterval = 60) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let mode = mode(), ["standalone", "leader", "follower"].contains(mode) { return }
            if !isRunning {
                throw TestSupportError("ZooKeeper \(id) exited before serving; log: \(logTail())")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("ZooKeeper \(id) was not serving on \(clientPort) within \(timeout)s; log: \(logTail())")
    }

    /// `standalone`, `leader`, `follower`, or nil when the server does not answer (or does not serve).
    public func mode() -> String? {
        guard let answer = FourLetterWord.send("srvr", port: clientPort) else { return nil }
        for line in answer.split(separator: "\n") where line.hasPrefix("Mode: ") {
            return String(line.dropFirst("Mode: ".count))
        }
        return nil
    }

    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

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
        guard let p = lock.withLock({ process }), p.isRunning else { return }
        kill(p.processIdentifier, sig)
    }

    private func signalAndReap(_ sig: Int32) {
        guard let p = lock.withLock({ process }) else { return }
        if p.isRunning {
            // A stopped process must be continued to act on SIGTERM.
            kill(p.processIdentifier, sig)
            if sig != SIGKILL { kill(p.processIdentifier, SIGCONT) }
        }
        p.waitUntilExit()
        lock.withLock { if process === p { process = nil } }
    }

    public func logTail(_ bytes: Int = 3000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    /// Kills what still runs and removes the data dir and log (a failing start already reported
    /// the log's tail).
    deinit {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

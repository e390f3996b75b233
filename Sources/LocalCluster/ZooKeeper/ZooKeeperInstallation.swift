import Foundation

/// Debian's `zookeeper` package (3.8): where its jars are and how to run its server under java
/// (ZOOKEEPER.md in the design notes has the measurements behind these choices).
public enum ZooKeeperInstallation {
    public static let jar = "/usr/share/java/zookeeper.jar"
    /// The package's jars resolve their dependencies through zookeeper.jar's manifest Class-Path;
    /// slf4j's log4j binding and log4j itself are added so the server logs at all.
    public static let classPath = [
        "/etc/zookeeper/conf", jar, "/usr/share/java/slf4j-log4j12.jar", "/usr/share/java/log4j-1.2.jar",
    ].joined(separator: ":")
    public static let mainClass = "org.apache.zookeeper.server.quorum.QuorumPeerMain"

    /// The java binary: $JAVA_HOME/bin/java, else /usr/bin/java.
    public static func javaPath() -> String? {
        var candidates = ["/usr/bin/java"]
        if let home = ProcessInfo.processInfo.environment["JAVA_HOME"] { candidates.insert(home + "/bin/java", at: 0) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Fails with the command that fixes it when the package (or java) is missing.
    @discardableResult
    public static func require(jar: String = jar, java: String? = javaPath()) throws -> String {
        guard FileManager.default.fileExists(atPath: jar) else {
            throw LocalClusterError("ZooKeeper is not installed (\(jar) is missing); install it with `apt-get install zookeeper`.")
        }
        guard let java else {
            throw LocalClusterError("java is not installed; install it with `apt-get install zookeeper` (it pulls in a JRE).")
        }
        return java
    }

    /// The JVM's arguments to run the server whose config is at `configPath`.
    static func javaArguments(configPath: String, tuning: ZooKeeperTuning) -> [String] {
        [
            "-cp", classPath, "-Xmx\(tuning.heapMegabytes)m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData", "-Dzookeeper.root.logger=INFO,CONSOLE", "-Dzookeeper.console.threshold=INFO",
            "-Dzookeeper.forceSync=\(tuning.forceSync ? "yes" : "no")", mainClass, configPath,
        ]
    }
}

/// The settings that differ between a local cluster and a test's throwaway server.
public struct ZooKeeperTuning: Codable, Sendable, Equatable {
    /// ZooKeeper's time unit: sessions expire on tick boundaries, and a session timeout must lie
    /// between 2 and `maxSessionTimeoutMs`.
    public var tickTimeMs: Int
    public var maxSessionTimeoutMs: Int
    /// fsync the transaction log before answering (durable across a machine crash).
    public var forceSync: Bool
    public var heapMegabytes: Int

    public init(tickTimeMs: Int, maxSessionTimeoutMs: Int, forceSync: Bool, heapMegabytes: Int) {
        self.tickTimeMs = tickTimeMs
        self.maxSessionTimeoutMs = maxSessionTimeoutMs
        self.forceSync = forceSync
        self.heapMegabytes = heapMegabytes
    }

    /// A local cluster: a 500 ms tick so a dead broker's 4 s session expires close to 4 s.
    public static let localCluster = ZooKeeperTuning(tickTimeMs: 500, maxSessionTimeoutMs: 60_000, forceSync: true, heapMegabytes: 256)
}

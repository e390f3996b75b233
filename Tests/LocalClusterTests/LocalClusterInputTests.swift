import Foundation
import LocalCluster
import Testing
import TestSupport

/// Bad input and impossible requests get one sentence on stderr and a non-zero exit, before
/// anything is started.
@Suite struct LocalClusterInputTests {
    private func expectRefusal(_ result: PetrelCLI.Result, _ sentence: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status != 0, "exit status", sourceLocation: sourceLocation)
        #expect(result.errorLines == ["Error: " + sentence], sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Usage:"), sourceLocation: sourceLocation)
    }

    @Test func brokerCountOutOfRange() async throws {
        let dir = try TempDirectory.make(prefix: "petrel-lc-input-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try await PetrelCLI.run(["cluster", "up", "--brokers", "0", "--dir", dir])
        expectRefusal(result, "--brokers must be between 1 and 9 (got 0); 3 is a production-like cluster.")
    }

    @Test func takenBrokerPortStartsNothing() async throws {
        let dir = try TempDirectory.make(prefix: "petrel-lc-input-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let listener = try Listener()
        let zookeeperPort = try LocalClusterFixture.freeRange(1)
        let result = try await PetrelCLI.run([
            "cluster", "up", "--brokers", "1", "--zookeeper", "1", "--port", "\(listener.port)",
            "--zookeeper-port", "\(zookeeperPort)", "--dir", dir,
        ])
        expectRefusal(result, "Port \(listener.port) (for broker 1) is already in use; stop what listens there or pass another --port.")
        #expect(!FileManager.default.fileExists(atPath: ClusterState.path(in: dir)))
        #expect(!LoopbackPort.isListening(zookeeperPort))
    }

    @Test func takenZooKeeperPort() async throws {
        let dir = try TempDirectory.make(prefix: "petrel-lc-input-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let listener = try Listener()
        let brokerPort = try LocalClusterFixture.freeRange(1)
        let result = try await PetrelCLI.run([
            "cluster", "up", "--brokers", "1", "--zookeeper", "1", "--port", "\(brokerPort)",
            "--zookeeper-port", "\(listener.port)", "--dir", dir,
        ])
        expectRefusal(
            result, "Port \(listener.port) (for ZooKeeper 1) is already in use; stop what listens there or pass another --zookeeper-port.")
    }

    @Test func commandsOnADirectoryWithoutACluster() async throws {
        let dir = try TempDirectory.make(prefix: "petrel-lc-input-")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sentence = "There is no cluster in \(dir) (no cluster.json); start one with `petrel cluster up --dir \(dir)`."
        expectRefusal(try await PetrelCLI.run(["cluster", "down", "--dir", dir]), sentence)
        expectRefusal(try await PetrelCLI.run(["fail", "--dir", dir]), sentence)
        expectRefusal(try await PetrelCLI.run(["wait", "--dir", dir]), sentence)
    }

    @Test func conflictingFlags() async throws {
        expectRefusal(
            try await PetrelCLI.run(["fail", "--zookeeper", "--broker", "1"]),
            "--zookeeper kills a ZooKeeper server, so it does not go with --broker or --catastrophic; run them as two commands.")
        expectRefusal(
            try await PetrelCLI.run(["wait", "--bootstrap", "127.0.0.1:9092", "--dir", "x"]),
            "Pass either --bootstrap or --dir, not both: --dir already names the cluster's brokers.")
        expectRefusal(
            try await PetrelCLI.run(["wait", "--bootstrap", "nonsense"]),
            "--bootstrap takes host:port[,host:port], but got 'nonsense'; write it like --bootstrap 127.0.0.1:9092.")
    }

    @Test func waitGivesUpWithASentenceWhenNothingAnswers() async throws {
        let port = try FreePort.pick()
        let result = try await PetrelCLI.run(["wait", "--bootstrap", "127.0.0.1:\(port)", "--timeout", "1"])
        expectRefusal(result, "The cluster was not ready within 1.0 s: no broker answers yet.")
        #expect(result.stdout.contains("no broker answers yet"))
    }

    @Test func missingZooKeeperNamesTheInstallCommand() throws {
        #expect(throws: LocalClusterError(
            "ZooKeeper is not installed (/nonexistent/zookeeper.jar is missing); install it with `apt-get install zookeeper`.")
        ) {
            try ZooKeeperInstallation.require(jar: "/nonexistent/zookeeper.jar")
        }
        #expect(throws: LocalClusterError("java is not installed; install it with `apt-get install zookeeper` (it pulls in a JRE).")) {
            try ZooKeeperInstallation.require(jar: ZooKeeperInstallation.jar, java: nil)
        }
    }
}

/// A socket listening on a free loopback port until deinit: a port someone else holds.
final class Listener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw TestSupportError("cannot listen on a loopback port")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    deinit { close(fd) }
}

import Foundation
import KafkaClient
import LocalCluster
import NIOCore
import Testing
import TestSupport

/// A directory and free loopback ports for one `petrel cluster up`, run through the real
/// binary. deinit SIGKILLs whatever cluster.json still lists (a failed test must not leave
/// brokers behind) and removes the directory.
final class LocalClusterFixture: @unchecked Sendable {
    let directory: String
    let brokerPort: Int
    let zookeeperPort: Int

    init(brokers: Int = 3, zookeeper: Int = 1) throws {
        try ZooKeeperInstallation.require()
        directory = try TempDirectory.make(prefix: "petrel-local-cluster-")
        brokerPort = try Self.freeRange(brokers)
        var zk = try Self.freeRange(zookeeper)
        while (zk..<(zk + zookeeper)).overlaps(brokerPort..<(brokerPort + brokers)) { zk = try Self.freeRange(zookeeper) }
        zookeeperPort = zk
    }

    var dirArguments: [String] { ["--dir", directory] }
    var bootstrap: String { (0..<3).map { "127.0.0.1:\(brokerPort + $0)" }.joined(separator: ",") }

    func up(brokers: Int = 3, zookeeper: Int = 1) async throws -> PetrelCLI.Result {
        try await petrel([
            "cluster", "up", "--brokers", "\(brokers)", "--zookeeper", "\(zookeeper)", "--port", "\(brokerPort)",
            "--zookeeper-port", "\(zookeeperPort)",
        ] + dirArguments, timeout: .seconds(180))
    }

    /// Runs petrel; a non-zero exit is recorded as an issue with both outputs.
    @discardableResult
    func petrel(_ arguments: [String], timeout: Duration = .seconds(180), sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> PetrelCLI.Result
    {
        let result = try await PetrelCLI.run(arguments, timeout: timeout)
        #expect(
            result.status == 0,
            "petrel \(arguments.joined(separator: " ")) exited \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)\n\(brokerLogTails())",
            sourceLocation: sourceLocation)
        return result
    }

    func state() throws -> ClusterState {
        guard let state = try ClusterState.load(from: directory) else { throw TestSupportError("no cluster.json in \(directory)") }
        return state
    }

    func client() throws -> KafkaClient {
        var configuration = try KafkaClient.Configuration(bootstrap: bootstrap, clientId: "local-cluster-test")
        configuration.connection.connectTimeout = .seconds(2)
        configuration.connection.requestTimeout = .seconds(15)
        configuration.maxAttempts = 8
        configuration.retryBackoff = .milliseconds(200)
        return KafkaClient(configuration: configuration)
    }

    /// Pids of processes whose command line mentions this fixture's directory (brokers name
    /// their data dir, ZooKeeper its config), zombies excluded.
    func processesInDirectory() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard ProcessTable.isAlive(pid), let arguments = ProcessTable.commandLine(of: pid) else { return false }
            return arguments.contains { $0.hasPrefix(directory + "/") }
        }
    }

    func brokerLogTails() -> String {
        guard let state = try? state() else { return "" }
        return state.brokers.map { "broker \($0.id) log: \($0.logTail(1500))" }.joined(separator: "\n")
    }

    /// A base port with `count` free ports after it, below the kernel's ephemeral range.
    static func freeRange(_ count: Int) throws -> Int { try LoopbackPort.freeRange(count) }

    deinit {
        LocalCluster(directory: directory, report: { _ in }).killEverything()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Values written with acks=all, in acknowledgement order.
final class AcknowledgedValues: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String] = []
    private var failures = 0

    func add(_ value: String) { lock.withLock { values.append(value) } }
    func failed() { lock.withLock { failures += 1 } }
    var all: [String] { lock.withLock { values } }
    var failureCount: Int { lock.withLock { failures } }
}

enum Records {
    /// Polls `condition` until it holds; fails the test after `timeout` instead of hanging it.
    static func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestSupportError("no \(what) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every value in `topic`'s partitions, from the earliest offset to the high watermark.
    static func readAll(_ client: KafkaClient, topic: String, partitions: Int32) async throws -> [String] {
        var values: [String] = []
        for partition in 0..<partitions {
            var offset: Int64 = 0
            while true {
                let fetched = try await client.fetchRecords(topic: topic, partition: partition, offset: offset, maxWaitMs: 100)
                values += fetched.records.compactMap { $0.value.map { String(buffer: $0) } }
                if fetched.nextOffset >= fetched.highWatermark || fetched.records.isEmpty && fetched.nextOffset == offset { break }
                offset = fetched.nextOffset
            }
        }
        return values
    }

    /// Keeps producing single records with acks=all until cancelled, recording what was
    /// acknowledged; failures (leader moving, broker down) are counted, not fatal.
    static func produceUntilCancelled(_ client: KafkaClient, topic: String, partitions: Int32, into acked: AcknowledgedValues) async {
        var index = 0
        while !Task.isCancelled {
            let value = "v-\(index)"
            do {
                try await client.produce(
                    topic: topic, partition: Int32(index) % partitions, records: [ProducerRecord(key: nil, value: value)], acks: .all)
                acked.add(value)
            } catch {
                acked.failed()
            }
            index += 1
        }
    }
}

import Foundation
import KafkaClient
import LocalCluster
import RdKafkaLoad
import TestSupport

/// Three Petrel brokers and a standalone ZooKeeper, started the way `petrel cluster up` starts
/// them (LocalCluster: detached processes, state in cluster.json) in a temporary directory on
/// free ports, with every broker setting at its default. Topics made here have replication
/// factor 3. The cluster scenarios kill, stop and restart brokers through it.
final class ReplicatedCluster: BenchCluster {
    static let brokerCount = 3
    static let replicationFactor: Int16 = 3

    let side = Side.petrel
    let local: LocalCluster
    let executable: String
    private(set) var state: ClusterState
    /// The records `writeToEveryPartition` sends.
    let probePayloads = PayloadSet(size: 100)
    private let interrupts: InterruptCleanup

    /// `settings`: `--broker-set` overrides (none in a normal run: every broker default holds).
    init(executable: String, settings: [String: String] = [:]) throws {
        try ZooKeeperInstallation.require()
        let directory = try TempDirectory.make(prefix: "petrel-bench-cluster-")
        let local = LocalCluster(directory: directory) { log("cluster: \($0)") }
        let brokerPort = try LoopbackPort.freeRange(Self.brokerCount)
        var zookeeperPort = try LoopbackPort.freeRange(1)
        while (brokerPort..<(brokerPort + Self.brokerCount)).contains(zookeeperPort) {
            zookeeperPort = try LoopbackPort.freeRange(1)
        }
        let options = LocalCluster.UpOptions(
            brokers: Self.brokerCount, zookeeperNodes: 1, brokerPort: brokerPort, zookeeperPort: zookeeperPort,
            settings: settings, executable: URL(fileURLWithPath: executable).standardizedFileURL.path)
        // Detached brokers outlive this process: a Ctrl-C must take them down too.
        interrupts = InterruptCleanup { local.killEverything() }
        do {
            state = try blocking { try await local.up(options) }
        } catch {
            local.killEverything()
            interrupts.cancel()
            throw error
        }
        self.local = local
        self.executable = options.executable
    }

    var bootstrap: String { state.bootstrap }
    var addresses: [BrokerAddress] { state.brokers.map { BrokerAddress(host: "127.0.0.1", port: $0.port) } }
    var directory: String { local.directory }

    func address(of id: Int32) -> BrokerAddress? {
        state.brokers.first { $0.id == id }.map { BrokerAddress(host: "127.0.0.1", port: $0.port) }
    }

    /// The pid of a broker that runs now.
    func pid(of id: Int32) throws -> Int32 {
        state = try local.requireState()
        guard let broker = state.brokers.first(where: { $0.id == id }), broker.isRunning, let pid = broker.pid else {
            throw LoadError("broker \(id) is not running; see \(directory)/broker-\(id)/broker.log")
        }
        return pid
    }

    // MARK: BenchCluster

    var sampler: ProcessSampler? { ProcessSampler(pids: state.brokers.compactMap(\.pid)) }

    /// Creates the topic with replication factor 3 and waits until Metadata lists all its
    /// partitions with a leader, every replica is in sync, and every partition took an acks=-1
    /// write.
    func beginScenario(topic: String, partitions: Int32) throws {
        try withClient { client in
            _ = try await client.createTopic(topic, partitions: partitions, replicationFactor: Self.replicationFactor)
        }
        let deadline = MonotonicClock.now() + 60_000_000_000
        while true {
            let listed = try metadata(topic: topic).topics[topic]?.partitions ?? []
            if listed.count == Int(partitions), listed.allSatisfy({ $0.leader >= 0 }) { break }
            guard MonotonicClock.now() < deadline else {
                throw LoadError("\(topic) has \(listed.filter { $0.leader >= 0 }.count) of \(partitions) partitions with a leader after 60 s")
            }
            usleep(50_000)
        }
        try waitUntilHealthy()
        try writeToEveryPartition(topic: topic, partitions: partitions)
    }

    func beginRun(topic: String, partitions: Int32) throws -> String {
        state = try local.requireState()
        if let down = state.brokers.first(where: { !$0.isRunning }) {
            throw LoadError("broker \(down.id) has exited; log: \(down.logTail(1500))")
        }
        return bootstrap
    }

    func endScenario(topic: String) {
        do {
            try withClient { client in try await client.deleteTopic(topic) }
        } catch {
            log("cluster: could not delete \(topic): \(error)")
        }
    }

    // MARK: Lifecycle

    /// Until every broker is up and every partition's ISR is its whole replica set
    /// (LocalCluster's `petrel wait`).
    func waitUntilHealthy(timeout: Duration = .seconds(120)) throws {
        let waiter = ClusterWaiter(bootstrap: addresses, expected: Set(state.brokers.map(\.id)))
        _ = try blocking { try await waiter.wait(timeout: timeout) { _ in } }
    }

    /// Starts a broker that was killed or stopped (`petrel fail` does the same after its kill),
    /// waits until its replicas are in sync again and leadership is back on each partition's
    /// preferred replica, so every kill or stop starts from the same layout.
    func restart(_ id: Int32, topic: String) throws {
        let options = LocalCluster.FailOptions(broker: id, executable: executable, timeout: .seconds(60))
        try blocking { [local] in try await local.failBroker(options) }
        state = try local.requireState()
        try waitUntilHealthy()
        try restorePreferredLeaders(topic: topic)
    }

    /// Stops the brokers (SIGTERM, one at a time) and ZooKeeper, SIGKILLs whatever is left,
    /// and removes the directory unless `keepFiles` (then its logs stay for reading).
    func shutdown(keepFiles: Bool) {
        do {
            _ = try blocking { [local] in try await local.down(grace: .seconds(30)) }
        } catch {
            log("cluster: stopping failed (\(error)); killing what is left")
        }
        local.killEverything()
        interrupts.cancel()
        if keepFiles {
            log("cluster: logs kept in \(directory) (broker-N/broker.log, zookeeper-1/zookeeper.log)")
        } else {
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// Runs `body` with a client bootstrapped from every broker, closed afterwards.
    func withClient<T: Sendable>(_ body: @escaping @Sendable (KafkaClient) async throws -> T) throws -> T {
        try withKafkaClient(bootstrap: addresses, clientId: "petrel-bench-cluster", body)
    }
}

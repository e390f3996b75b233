import Foundation
import RdKafkaLoad
import TestSupport

/// What a scenario runs against: Petrel (a broker process) or librdkafka's mock cluster.
protocol BenchCluster: AnyObject {
    var side: Side { get }
    /// Before a scenario's repetitions: make its topic.
    func beginScenario(topic: String, partitions: Int32) throws
    /// Before each repetition: the bootstrap address to use.
    func beginRun(topic: String, partitions: Int32) throws -> String
    /// After the repetitions: drop the topic and what it holds.
    func endScenario(topic: String)
    /// The broker process, when there is one to sample.
    var sampler: ProcessSampler? { get }
}

enum Side: String, Codable, Sendable { case petrel, mock }

/// One Petrel broker for the whole run: topics are created per scenario and deleted after.
/// Either a process this run starts (fresh data directory) or one already running (for
/// profiling it under perf or valgrind, or benchmarking another build).
final class PetrelCluster: BenchCluster {
    let side = Side.petrel
    let bootstrap: String
    /// The process when this run started it.
    let broker: BrokerProcess?
    private let externalPid: Int32?
    /// Released before the broker stops, so librdkafka does not log the disconnect.
    private var admin: RdKafkaAdmin?

    init(binary: String, extraArguments: [String] = []) throws {
        let broker = try BrokerProcess(binary: binary, extraArguments: extraArguments)
        try broker.start()
        self.broker = broker
        bootstrap = broker.bootstrap
        externalPid = nil
        admin = try RdKafkaAdmin(bootstrap: bootstrap)
    }

    init(external bootstrap: String, pid: Int32?) throws {
        self.bootstrap = bootstrap
        broker = nil
        externalPid = pid
        admin = try RdKafkaAdmin(bootstrap: bootstrap)
    }

    var sampler: ProcessSampler? { (broker?.processIdentifier ?? externalPid).map(ProcessSampler.init(pid:)) }

    func beginScenario(topic: String, partitions: Int32) throws {
        guard let admin else { throw LoadError("the broker was shut down") }
        try admin.createTopic(topic, partitions: partitions)
    }

    func beginRun(topic: String, partitions: Int32) throws -> String {
        if let broker, !broker.isRunning { throw LoadError("the broker has exited; log: \(broker.logTail(2000))") }
        return bootstrap
    }

    func endScenario(topic: String) {
        try? admin?.deleteTopic(topic)
    }

    /// Stops the broker this run started and removes its data and log (an external one is
    /// left alone). A broker that died is left on disk for its log.
    func shutdown() {
        admin = nil
        guard let broker else { return }
        let healthy = broker.isRunning
        broker.stop()
        try? FileManager.default.removeItem(atPath: broker.dataDir)
        if healthy { try? FileManager.default.removeItem(atPath: broker.logPath) }
    }
}

/// librdkafka's mock cluster, made afresh for every repetition: it keeps all data in this
/// process's memory, so dropping it after each run keeps memory flat.
final class MockPeer: BenchCluster {
    let side = Side.mock
    private var cluster: MockCluster?
    let sampler: ProcessSampler? = nil

    func beginScenario(topic: String, partitions: Int32) throws {}

    func beginRun(topic: String, partitions: Int32) throws -> String {
        cluster = nil
        let fresh = try MockCluster()
        try fresh.createTopic(topic, partitions: partitions)
        cluster = fresh
        return fresh.bootstrap
    }

    /// Keeps the current cluster (and its data) for runs that read what an earlier one wrote.
    func currentBootstrap(topic: String, partitions: Int32) throws -> String {
        if let cluster { return cluster.bootstrap }
        return try beginRun(topic: topic, partitions: partitions)
    }

    func endScenario(topic: String) { cluster = nil }
}

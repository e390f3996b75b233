import Foundation
import KafkaClient

extension LocalCluster {
    public struct FailOptions: Sendable {
        /// The broker to kill; nil picks a running one at random.
        public var broker: Int32?
        /// Wipe the broker's data before starting it again: an empty replacement under its id.
        public var catastrophic: Bool
        /// The petrel binary the restarted broker runs.
        public var executable: String
        public var timeout: Duration

        public init(broker: Int32? = nil, catastrophic: Bool = false, executable: String, timeout: Duration = .seconds(60)) {
            self.broker = broker
            self.catastrophic = catastrophic
            self.executable = executable
            self.timeout = timeout
        }
    }

    /// SIGKILLs a broker, waits until the cluster has noticed (its registration expired), and
    /// starts it again on the same id and port, with its data or (catastrophic) without;
    /// returns once it is registered again. Its partitions catching up is `petrel wait`'s job.
    public func failBroker(_ options: FailOptions) async throws {
        var state = try requireState()
        let lock = try DirectoryLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        guard !state.runningZooKeeper.isEmpty else {
            throw LocalClusterError("ZooKeeper of the cluster in \(directory) is not running; start the cluster with `petrel cluster up --dir \(directory)`.")
        }
        let index = try victimIndex(state, wanted: options.broker)
        let victim = state.brokers[index]
        let clock = ContinuousClock()
        if victim.isRunning, let pid = victim.pid {
            let led = await partitionsLed(by: victim.id, askingAnyOf: state.brokers)
            await ProcessTable.kill9(pid)
            let killedAt = clock.now
            say("killed broker \(victim.id) (pid \(pid), SIGKILL) on \(victim.address)\(led.map { ", which led \($0)" } ?? "")")
            state.brokers[index].pid = nil
            try state.save()
            await waitUntilUnregistered(victim.id, others: state.brokers.filter { $0.id != victim.id }, since: killedAt)
        } else {
            say("broker \(victim.id) is not running; starting it")
            state.brokers[index].pid = nil
        }
        if options.catastrophic {
            let size = Self.bytes(under: victim.dataDirectory)
            do {
                if FileManager.default.fileExists(atPath: victim.dataDirectory) {
                    try FileManager.default.removeItem(atPath: victim.dataDirectory)
                }
            } catch {
                throw LocalClusterError("Cannot wipe \(victim.dataDirectory): \(error.localizedDescription).")
            }
            say("wiped broker \(victim.id)'s data (\(victim.dataDirectory), \(size) bytes): an empty replacement starts under id \(victim.id)")
        }
        let startedAt = clock.now
        state.brokers[index].pid = try victim.launch(executable: options.executable, settings: state.brokerSettings)
        try state.save()
        say("started broker \(victim.id) again (pid \(state.brokers[index].pid ?? 0)) on \(victim.address)")
        let running = state.brokers.filter(\.isRunning)
        try await waitUntilRegistered(running, ids: Set(running.map(\.id)), timeout: options.timeout)
        say("broker \(victim.id) is registered again after \(Timestamp.seconds(startedAt.duration(to: clock.now))); `petrel wait --dir \(directory)` shows its partitions catching up")
    }

    private func victimIndex(_ state: ClusterState, wanted: Int32?) throws -> Int {
        if let wanted {
            guard let index = state.brokers.firstIndex(where: { $0.id == wanted }) else {
                let ids = state.brokers.map { String($0.id) }.joined(separator: ", ")
                throw LocalClusterError("There is no broker \(wanted) in the cluster in \(directory); its brokers are \(ids).")
            }
            return index
        }
        let running = state.brokers.indices.filter { state.brokers[$0].isRunning }
        guard let index = running.randomElement() else {
            throw LocalClusterError("No broker of the cluster in \(directory) is running; start it with `petrel cluster up --dir \(directory)`.")
        }
        return index
    }

    /// "3 of 12 partitions", from any other broker's Metadata; nil when none answers.
    private func partitionsLed(by id: Int32, askingAnyOf brokers: [BrokerNode]) async -> String? {
        for broker in brokers where broker.isRunning {
            guard let metadata = await ClusterProbe.metadata(at: BrokerAddress(host: "127.0.0.1", port: broker.port)) else { continue }
            let partitions = metadata.topics.values.flatMap(\.partitions)
            let led = partitions.filter { $0.leader == id }.count
            return "\(led) of \(partitions.count) partition\(partitions.count == 1 ? "" : "s")"
        }
        return nil
    }

    /// Until the other brokers no longer list `id` (its ZooKeeper session expired and the
    /// controller moved its leaderships): a broker restarted before that could not register.
    private func waitUntilUnregistered(_ id: Int32, others: [BrokerNode], since: ContinuousClock.Instant) async {
        let clock = ContinuousClock()
        let deadline = since + .seconds(60)
        while clock.now < deadline {
            guard let registered = await registeredBrokers(askingAnyOf: others) else {
                say("no other broker answers; cannot tell when broker \(id)'s registration expires")
                return
            }
            if !registered.contains(id) {
                say("broker \(id)'s registration expired \(Timestamp.seconds(since.duration(to: clock.now))) after the kill; the others took over its partitions")
                return
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        say("broker \(id) is still registered 60 s after the kill; starting it anyway")
    }

    static func bytes(under path: String) -> Int64 {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        for case let file as String in enumerator {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + "/" + file)
            if attributes?[.type] as? FileAttributeType == .typeRegular { total += (attributes?[.size] as? Int64) ?? 0 }
        }
        return total
    }
}

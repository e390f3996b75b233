import Foundation

extension LocalCluster {
    public struct UpOptions: Sendable {
        public var brokers: Int
        public var zookeeperNodes: Int
        /// The first broker's port; the others take the next ones.
        public var brokerPort: Int
        /// The first ZooKeeper client port; the others take the next ones.
        public var zookeeperPort: Int
        /// Extra settings for every broker (`--set key=value`).
        public var settings: [String: String]
        /// The petrel binary the brokers run.
        public var executable: String
        public var startTimeout: Duration

        public init(
            brokers: Int = 3, zookeeperNodes: Int = 3, brokerPort: Int = 9092, zookeeperPort: Int = 2181,
            settings: [String: String] = [:], executable: String, startTimeout: Duration = .seconds(120)
        ) {
            self.brokers = brokers
            self.zookeeperNodes = zookeeperNodes
            self.brokerPort = brokerPort
            self.zookeeperPort = zookeeperPort
            self.settings = settings
            self.executable = executable
            self.startTimeout = startTimeout
        }

        /// Brokers under zookeeper.connect default to production's replication (3, min ISR 2);
        /// fewer brokers than that get as much as they can hold.
        var replicationSettings: [String: String] {
            guard brokers < 3 else { return [:] }
            return [
                "default.replication.factor": "\(brokers)", "min.insync.replicas": "\(max(1, brokers - 1))",
                "offsets.topic.replication.factor": "\(brokers)", "transaction.state.log.replication.factor": "\(brokers)",
            ]
        }
    }

    /// Starts ZooKeeper and the brokers, waits until every broker is registered and answers
    /// Metadata, and returns the state (also in DIR/cluster.json). Refuses, before starting
    /// anything, when DIR holds a running cluster, ZooKeeper is missing or a port is taken;
    /// stops what it started when a later step fails.
    public func up(_ options: UpOptions) async throws -> ClusterState {
        try Self.validate(options)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LocalClusterError("Cannot create \(directory): \(error.localizedDescription); choose a writable --dir.")
        }
        let lock = try DirectoryLock(directory: directory)
        defer { withExtendedLifetime(lock) {} }
        let previous = try ClusterState.load(from: directory)
        if let previous, previous.isAnythingRunning {
            throw LocalClusterError(
                "\(directory) already holds a running cluster (brokers at \(previous.bootstrap)); stop it with `petrel cluster down --dir \(directory)` or choose another --dir.")
        }
        try ZooKeeperInstallation.require()
        var state = try plan(options, chroot: previous?.chroot ?? "/petrel")
        try state.save()
        do {
            try await startZooKeeper(&state)
            try await startBrokers(&state, executable: options.executable, timeout: options.startTimeout)
        } catch {
            report("Could not start the cluster; stopping what was started.")
            for index in state.brokers.indices where state.brokers[index].isRunning {
                if let pid = state.brokers[index].pid { await ProcessTable.kill9(pid) }
                state.brokers[index].pid = nil
            }
            for index in state.zookeeper.indices where state.zookeeper[index].isRunning {
                if let pid = state.zookeeper[index].pid { await ProcessTable.kill9(pid) }
                state.zookeeper[index].pid = nil
            }
            try? state.save()
            throw error
        }
        return state
    }

    static func validate(_ options: UpOptions) throws {
        guard (1...9).contains(options.brokers) else {
            throw LocalClusterError("--brokers must be between 1 and 9 (got \(options.brokers)); 3 is a production-like cluster.")
        }
        guard (1...9).contains(options.zookeeperNodes) else {
            throw LocalClusterError("--zookeeper must be between 1 and 9 (got \(options.zookeeperNodes)); use 1 (standalone) or 3 (an ensemble).")
        }
        guard (1...(65536 - options.brokers)).contains(options.brokerPort) else {
            throw LocalClusterError("--port \(options.brokerPort) leaves no room for \(options.brokers) brokers; choose a port below \(65536 - options.brokers).")
        }
        guard (1...(65536 - options.zookeeperNodes)).contains(options.zookeeperPort) else {
            throw LocalClusterError("--zookeeper-port \(options.zookeeperPort) leaves no room for \(options.zookeeperNodes) servers; choose a port below \(65536 - options.zookeeperNodes).")
        }
        let brokerPorts = options.brokerPort..<(options.brokerPort + options.brokers)
        let zookeeperPorts = options.zookeeperPort..<(options.zookeeperPort + options.zookeeperNodes)
        guard !brokerPorts.overlaps(zookeeperPorts) else {
            throw LocalClusterError("The broker ports (\(brokerPorts.lowerBound)-\(brokerPorts.upperBound - 1)) overlap ZooKeeper's (\(zookeeperPorts.lowerBound)-\(zookeeperPorts.upperBound - 1)); choose another --port or --zookeeper-port.")
        }
    }

    /// Ports checked and chosen, nothing started yet.
    func plan(_ options: UpOptions, chroot: String) throws -> ClusterState {
        for index in 0..<options.brokers where !LoopbackPort.isFree(options.brokerPort + index) {
            throw LocalClusterError(
                "Port \(options.brokerPort + index) (for broker \(index + 1)) is already in use; stop what listens there or pass another --port.")
        }
        for index in 0..<options.zookeeperNodes where !LoopbackPort.isFree(options.zookeeperPort + index) {
            throw LocalClusterError(
                "Port \(options.zookeeperPort + index) (for ZooKeeper \(index + 1)) is already in use; stop what listens there or pass another --zookeeper-port.")
        }
        var taken = Set((0..<options.brokers).map { options.brokerPort + $0 } + (0..<options.zookeeperNodes).map { options.zookeeperPort + $0 })
        // Ensemble-internal ports (followers to leader, election): the kernel picks free ones.
        func internalPort() throws -> Int {
            guard options.zookeeperNodes > 1 else { return 0 }
            while true {
                let port = try LoopbackPort.pickFree()
                if taken.insert(port).inserted { return port }
            }
        }
        let zookeeper = try (1...options.zookeeperNodes).map { id in
            ZooKeeperNode(
                id: id, clientPort: options.zookeeperPort + id - 1, quorumPort: try internalPort(),
                electionPort: try internalPort(), directory: "\(directory)/zookeeper-\(id)")
        }
        let brokers = (1...options.brokers).map { id in
            BrokerNode(id: Int32(id), port: options.brokerPort + id - 1, directory: "\(directory)/broker-\(id)")
        }
        var state = ClusterState(
            directory: directory, chroot: chroot, zookeeperTuning: .localCluster, zookeeper: zookeeper,
            brokerSettings: [:], brokers: brokers)
        var settings = options.replicationSettings
        settings["zookeeper.connect"] = state.zookeeperConnect
        for (key, value) in options.settings { settings[key] = value }
        state.brokerSettings = settings
        return state
    }

    private func startZooKeeper(_ state: inout ClusterState) async throws {
        let kind = state.zookeeper.count == 1 ? "standalone ZooKeeper" : "a ZooKeeper ensemble of \(state.zookeeper.count)"
        say("starting \(kind) on \(state.zookeeper.map(\.address).joined(separator: ", "))")
        for index in state.zookeeper.indices {
            try state.zookeeper[index].writeConfig(ensemble: state.zookeeper, tuning: state.zookeeperTuning)
            state.zookeeper[index].pid = try state.zookeeper[index].launch(tuning: state.zookeeperTuning, detached: true)
            try state.save()
        }
        for node in state.zookeeper { try await node.waitUntilServing(timeout: .seconds(90)) }
        let modes = state.zookeeper.map { "\($0.id): \($0.mode() ?? "?")" }.joined(separator: ", ")
        say("ZooKeeper serving (\(modes))")
    }

    private func startBrokers(_ state: inout ClusterState, executable: String, timeout: Duration) async throws {
        say("starting \(state.brokers.count) broker\(state.brokers.count == 1 ? "" : "s") on \(state.brokers.map(\.address).joined(separator: ", "))")
        for index in state.brokers.indices {
            state.brokers[index].pid = try state.brokers[index].launch(executable: executable, settings: state.brokerSettings)
            try state.save()
        }
        try await waitUntilRegistered(state.brokers, ids: Set(state.brokers.map(\.id)), timeout: timeout)
        say("every broker is registered and answers Metadata")
    }
}

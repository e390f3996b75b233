import Foundation
import KafkaClient

/// A multi-process cluster on this machine, managed like an operator would: a ZooKeeper
/// ensemble from Debian's package and `petrel broker` processes, each in a session of its own so
/// they outlive the command that started them, with everything under one directory and the
/// ports and pids in its cluster.json. Every operation reports progress as lines.
public struct LocalCluster: Sendable {
    public static let defaultDirectory = ".petrel-cluster"

    /// Absolute.
    public let directory: String
    let report: @Sendable (String) -> Void

    public init(directory: String, report: @escaping @Sendable (String) -> Void) {
        let url = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        self.directory = url.standardizedFileURL.path
        self.report = report
    }

    /// The state file's contents; fails with a sentence when there is no cluster here.
    public func requireState() throws -> ClusterState {
        guard let state = try ClusterState.load(from: directory) else {
            throw LocalClusterError(
                "There is no cluster in \(directory) (no \(ClusterState.fileName)); start one with `petrel cluster up --dir \(directory)`.")
        }
        return state
    }

    func say(_ line: String) { report("\(Timestamp.now()) \(line)") }

    /// Waits until every broker in `brokers` runs, answers Metadata at its own address, and
    /// sees all of `ids` registered. Fails early, with the log's last lines, when one exits.
    func waitUntilRegistered(_ brokers: [BrokerNode], ids: Set<Int32>, timeout: Duration) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var lastCount = -1
        while true {
            for broker in brokers where !broker.isRunning {
                throw LocalClusterError(
                    "Broker \(broker.id) exited while starting; see \(broker.logPath). Last lines: \(broker.logTail(800))")
            }
            let ready = await withTaskGroup(of: Bool.self) { group in
                for broker in brokers {
                    group.addTask {
                        guard let metadata = await ClusterProbe.metadata(at: BrokerAddress(host: "127.0.0.1", port: broker.port), topics: false)
                        else { return false }
                        return ids.isSubset(of: metadata.brokers.keys)
                    }
                }
                var count = 0
                for await ok in group where ok { count += 1 }
                return count
            }
            if ready == brokers.count { return }
            if ready != lastCount {
                say("brokers registered and answering: \(ready)/\(brokers.count)")
                lastCount = ready
            }
            guard clock.now < deadline else {
                throw LocalClusterError(
                    "Brokers did not all register within \(Timestamp.seconds(timeout)); see the broker.log files under \(directory).")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The broker ids the other running brokers see registered, nil when none answers.
    func registeredBrokers(askingAnyOf brokers: [BrokerNode]) async -> Set<Int32>? {
        for broker in brokers where broker.isRunning {
            if let metadata = await ClusterProbe.metadata(at: BrokerAddress(host: "127.0.0.1", port: broker.port), topics: false) {
                return Set(metadata.brokers.keys)
            }
        }
        return nil
    }
}

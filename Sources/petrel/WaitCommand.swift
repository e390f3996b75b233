import ArgumentParser
import Foundation
import KafkaClient
import LocalCluster

/// `petrel wait`: blocks until every broker is up and every partition's ISR is its full
/// replica set, showing progress; works against `petrel cluster up`, `petrel dev` or any
/// Kafka bootstrap.
struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait", abstract: "Wait until every broker is up and every partition has its full ISR.",
        discussion: "With --dir (or ./\(LocalCluster.defaultDirectory) when it exists) the brokers of that local cluster are expected; with --bootstrap, every broker that is registered or holds a replica.")

    @Option(help: "Kafka bootstrap servers, host:port[,host:port] (default: the local cluster's, else $KAFKA_URL, else 127.0.0.1:9092).")
    var bootstrap: String?
    @Option(help: "Seconds to wait before giving up.") var timeout: Int = 300
    @OptionGroup var local: LocalClusterOptions

    func validate() throws {
        if bootstrap != nil, local.dir != nil {
            throw CLIError("Pass either --bootstrap or --dir, not both: --dir already names the cluster's brokers.")
        }
        guard timeout >= 1 else { throw CLIError("--timeout must be at least 1 second (got \(timeout)).") }
    }

    func run() async throws {
        let cluster = local.cluster()
        let waiter = try target(cluster)
        Progress.line("\(Timestamp.now()) waiting for \(waiter.bootstrap.map(\.description).joined(separator: ",")) (up to \(timeout) s)")
        _ = try await CLIError.wrapAsync { try await waiter.wait(timeout: .seconds(timeout), report: { Progress.line($0) }) }
    }

    private func target(_ cluster: LocalCluster) throws -> ClusterWaiter {
        if bootstrap == nil, local.dir != nil || FileManager.default.fileExists(atPath: ClusterState.path(in: cluster.directory)) {
            let state = try CLIError.wrap { try cluster.requireState() }
            guard state.isAnythingRunning else {
                throw CLIError("No process of the cluster in \(cluster.directory) is running; start it with `petrel cluster up --dir \(cluster.directory)`.")
            }
            return ClusterWaiter(
                bootstrap: state.brokers.map { BrokerAddress(host: "127.0.0.1", port: $0.port) },
                expected: Set(state.brokers.map(\.id)))
        }
        let text = bootstrap ?? ProcessInfo.processInfo.environment["KAFKA_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? TopicsConnectionOptions.defaultBootstrap
        do {
            return ClusterWaiter(bootstrap: try BrokerAddress.parseList(text))
        } catch {
            throw CLIError("--bootstrap takes host:port[,host:port], but got '\(text)'; write it like --bootstrap 127.0.0.1:9092.")
        }
    }
}

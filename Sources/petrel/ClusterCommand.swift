import ArgumentParser
import Foundation
import LocalCluster

/// `petrel cluster up|down`: a multi-process cluster on this machine (ZooKeeper from Debian's
/// package plus `petrel broker` processes), left running between commands.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Start or stop a local multi-process cluster with a ZooKeeper ensemble.",
        subcommands: [ClusterUpCommand.self, ClusterDownCommand.self])
}

struct ClusterUpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up", abstract: "Start ZooKeeper and the brokers, wait until all are registered, and leave them running.",
        discussion: "Brokers listen on 127.0.0.1 from --port on; data and logs go under --dir (broker-N/broker.log).")

    @Option(help: "How many brokers (1 to 9).") var brokers: Int = 3
    @Option(help: "How many ZooKeeper servers (1 = standalone, 3 = an ensemble).") var zookeeper: Int = 3
    @Option(help: "Port of the first broker; the others take the next ones.") var port: Int = 9092
    @Option(help: "Client port of the first ZooKeeper server; the others take the next ones.") var zookeeperPort: Int = 2181
    @Option(name: .customLong("set"), help: "Override one setting for every broker, key=value (repeatable).") var settings: [String] = []
    @Option(help: "Seconds to wait for the brokers to register.") var timeout: Int = 120
    @OptionGroup var local: LocalClusterOptions

    func run() async throws {
        let options = LocalCluster.UpOptions(
            brokers: brokers, zookeeperNodes: zookeeper, brokerPort: port, zookeeperPort: zookeeperPort,
            settings: try SettingsParser.parse(settings), executable: try LocalClusterOptions.runningExecutable(),
            startTimeout: .seconds(max(timeout, 1)))
        let cluster = local.cluster()
        let state = try await CLIError.wrapAsync { try await cluster.up(options) }
        let ensemble = state.zookeeper.count == 1 ? "standalone ZooKeeper" : "ZooKeeper ensemble of \(state.zookeeper.count)"
        var lines = [
            "Petrel cluster up in \(state.directory): \(state.brokers.count) broker\(state.brokers.count == 1 ? "" : "s"), \(ensemble).",
        ]
        for broker in state.brokers { lines.append("  broker \(broker.id): \(broker.address) (pid \(broker.pid ?? 0), log \(broker.logPath))") }
        for node in state.zookeeper { lines.append("  zookeeper \(node.id): \(node.address) (pid \(node.pid ?? 0))") }
        lines.append("  zookeeper.connect=\(state.zookeeperConnect)")
        lines.append("  KAFKA_URL=\(state.bootstrap)")
        lines.append("Try `petrel fail --dir \(local.directory)` and `petrel wait --dir \(local.directory)`; stop it with `petrel cluster down --dir \(local.directory)`.")
        Progress.line(lines.joined(separator: "\n"))
    }
}

struct ClusterDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down", abstract: "Stop the brokers (controlled shutdown) and ZooKeeper; the data stays.")

    @Option(help: "Seconds a broker gets to stop after SIGTERM before SIGKILL.") var timeout: Int = 30
    @OptionGroup var local: LocalClusterOptions

    func run() async throws {
        let cluster = local.cluster()
        let grace = Duration.seconds(max(timeout, 1))
        _ = try await CLIError.wrapAsync { try await cluster.down(grace: grace) }
    }
}

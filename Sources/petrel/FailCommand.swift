import ArgumentParser
import LocalCluster

/// `petrel fail`: kill -9 a broker (or a ZooKeeper server) of the local cluster and start it
/// again, optionally as an empty replacement.
struct FailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fail", abstract: "Kill a random (or the given) broker of the local cluster with SIGKILL and start it again.",
        discussion: "--catastrophic also wipes its data, so an empty replacement starts under the dead broker's id; --zookeeper kills a ZooKeeper server instead.")

    @Option(help: "The broker id to kill (default: a random running broker).") var broker: Int32?
    @Flag(help: "Wipe the broker's data before it starts again.") var catastrophic = false
    @Flag(help: "Kill a ZooKeeper server (and start it again) instead of a broker.") var zookeeper = false
    @Option(help: "With --zookeeper: the server id to kill (default: a random running one).") var node: Int?
    @OptionGroup var local: LocalClusterOptions

    func validate() throws {
        if zookeeper, broker != nil || catastrophic {
            throw CLIError("--zookeeper kills a ZooKeeper server, so it does not go with --broker or --catastrophic; run them as two commands.")
        }
        if node != nil, !zookeeper {
            throw CLIError("--node picks a ZooKeeper server and goes with --zookeeper; use --broker N for a broker.")
        }
    }

    func run() async throws {
        let cluster = local.cluster()
        if zookeeper {
            let node = self.node
            try await CLIError.wrapAsync { try await cluster.failZooKeeper(node: node) }
        } else {
            let options = LocalCluster.FailOptions(
                broker: broker, catastrophic: catastrophic, executable: try LocalClusterOptions.runningExecutable())
            try await CLIError.wrapAsync { try await cluster.failBroker(options) }
        }
    }
}

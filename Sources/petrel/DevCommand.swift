import ArgumentParser
import Cluster
import Foundation
import KafkaBroker

/// `petrel dev`: a local cluster in one process: three brokers on 127.0.0.1:9092-9094 sharing an
/// embedded metadata store under ./.petrel, replication factor 3 and min.insync.replicas 2 (as
/// in production), or one broker with `--brokers 1`.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run a local development cluster (3 brokers from 127.0.0.1:9092, data in ./.petrel).")

    @Option(help: "How many brokers (1 to 9).") var brokers: Int = 3
    @Option(help: "Port of the first broker; the others take the next ones.") var port: Int = 9092
    @Option(help: "Directory for data.") var dataDir: String = ".petrel"
    @Option(name: .customLong("set"), help: "Override one setting for every broker, key=value (repeatable).") var settings: [String] = []

    func validate() throws {
        guard (1...9).contains(brokers) else {
            throw CLIError("--brokers must be between 1 and 9 (got \(brokers)); 3 is a production-like cluster.")
        }
        guard (1...(65535 - brokers + 1)).contains(port) else {
            throw CLIError("--port \(port) leaves no room for \(brokers) brokers; choose a port below \(65536 - brokers).")
        }
    }

    func run() async throws {
        let replication = min(brokers, 3)
        let extra = try SettingsParser.parse(settings)
        var configs: [BrokerConfig] = []
        for id in 1...brokers {
            var overrides = [
                "node.id": "\(id)",
                "listeners": "PLAINTEXT://127.0.0.1:\(port + id - 1)",
                "log.dirs": brokers == 1 ? dataDir : "\(dataDir)/broker-\(id)",
                "group.initial.rebalance.delay.ms": "0",
                "default.replication.factor": "\(replication)",
                "min.insync.replicas": "\(max(1, replication - 1))",
                "offsets.topic.replication.factor": "\(replication)",
                "transaction.state.log.replication.factor": "\(replication)",
            ]
            for (k, v) in extra { overrides[k] = v }
            configs.append(try CLIError.wrap { try BrokerConfig.load(file: nil, overrides: overrides) })
        }
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let shared: EmbeddedMetadataBackend
        do {
            shared = try EmbeddedMetadataBackend(directory: dataDir)
        } catch {
            throw CLIError("Cannot open the cluster metadata in \(dataDir): \(error). Choose another --data-dir.")
        }
        let urls = (0..<brokers).map { "127.0.0.1:\(port + $0)" }
        let url = urls.joined(separator: ",")
        let banner = """
            Petrel dev cluster ready: \(brokers) broker\(brokers == 1 ? "" : "s"), replication factor \(replication).
            \(urls.enumerated().map { "  broker \($0.offset + 1): \($0.element)" }.joined(separator: "\n"))
              KAFKA_URL=\(url)
              try: echo hello | kcat -P -b \(url) -t test && kcat -C -b \(url) -t test -e
            Ctrl-C stops it.
            """
        try await BrokerRunner.run(configs: configs, shared: shared, banner: banner)
    }
}

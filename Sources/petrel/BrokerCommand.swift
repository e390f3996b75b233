import ArgumentParser
import KafkaBroker
import Logging

/// `petrel broker`: one broker process, configured like Kafka (properties file plus overrides).
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker", abstract: "Run one broker.",
        discussion: "Settings come from --config (Kafka-style key=value properties), then --set, then the flags.")

    @Option(help: "This broker's id (node.id).") var nodeId: Int32?
    @Option(help: "Address to listen on, host:port.") var listen: String?
    @Option(help: "Address clients should use, host:port (default: the listen address).") var advertisedListener: String?
    @Option(help: "Directory for logs and metadata.") var dataDir: String?
    @Option(help: "A Kafka-style properties file.") var config: String?
    @Option(name: .customLong("set"), help: "Override one setting, key=value (repeatable).") var settings: [String] = []

    func run() async throws {
        var overrides = try SettingsParser.parse(settings)
        if let nodeId { overrides["node.id"] = "\(nodeId)" }
        if let listen {
            try SettingsParser.checkHostPort(listen, flag: "--listen")
            overrides["listeners"] = "PLAINTEXT://\(listen)"
        }
        if let advertisedListener {
            try SettingsParser.checkHostPort(advertisedListener, flag: "--advertised-listener")
            overrides["advertised.listeners"] = "PLAINTEXT://\(advertisedListener)"
        }
        if let dataDir { overrides["log.dirs"] = dataDir }
        let brokerConfig = try CLIError.wrap { try BrokerConfig.load(file: config, overrides: overrides) }
        try await BrokerRunner.run(config: brokerConfig, banner: nil)
    }
}

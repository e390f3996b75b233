import ArgumentParser
import KafkaBroker

/// `petrel dev`: a broker on 127.0.0.1:9092 with data under ./.petrel, for local development.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev", abstract: "Run a local development broker (127.0.0.1:9092, data in ./.petrel).")

    @Option(help: "Port to listen on.") var port: Int = 9092
    @Option(help: "Directory for data.") var dataDir: String = ".petrel"
    @Option(name: .customLong("set"), help: "Override one setting, key=value (repeatable).") var settings: [String] = []

    func run() async throws {
        var overrides = [
            "node.id": "1",
            "listeners": "PLAINTEXT://127.0.0.1:\(port)",
            "log.dirs": dataDir,
            "group.initial.rebalance.delay.ms": "0",
        ]
        for (k, v) in try SettingsParser.parse(settings) { overrides[k] = v }
        let config = try CLIError.wrap { try BrokerConfig.load(file: nil, overrides: overrides) }
        let url = "127.0.0.1:\(port)"
        let banner = """
            Petrel dev broker ready.
              KAFKA_URL=\(url)
              try: echo hello | kcat -P -b \(url) -t test && kcat -C -b \(url) -t test -e
            Ctrl-C stops it.
            """
        try await BrokerRunner.run(config: config, banner: banner)
    }
}

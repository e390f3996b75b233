import ArgumentParser
import KafkaClient

/// `petrel topics:compaction NAME enable|disable`: switches cleanup.policy.
struct TopicsCompactionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics:compaction", abstract: "Keep only the latest message per key (enable) or not (disable).")

    @Argument(help: "The topic name.") var name: String
    @Argument(help: "enable or disable.") var setting: String
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        let policy: String
        switch setting.lowercased() {
        case "enable", "on", "true": policy = "compact"
        case "disable", "off", "false": policy = "delete"
        default:
            throw CLIError("Compaction takes enable or disable, but got '\(setting)'; run `petrel topics:compaction \(name) enable`.")
        }
        try await connection.withClient { client in
            _ = try await client.topicMetadata(name)
            try await client.incrementalAlterConfigs(topic: name, set: ["cleanup.policy": policy])
        }
        let state = policy == "compact" ? "enabled" : "disabled"
        print("Compaction \(state) for topic \(name) (cleanup.policy=\(policy)).")
    }
}

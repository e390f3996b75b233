import ArgumentParser
import KafkaClient

/// `petrel topics:retention-time NAME 36h`: sets retention.ms.
struct TopicsRetentionTimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics:retention-time", abstract: "Set how long a topic keeps messages.")

    @Argument(help: "The topic name.") var name: String
    @Argument(help: "The retention time, e.g. 36h or 10d (units: ms, s, m, h, d, w).") var duration: String
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        let ms = try TopicsInput.retentionMilliseconds(duration, what: "Retention time")
        try await connection.withClient { client in
            _ = try await client.topicMetadata(name)
            try await client.incrementalAlterConfigs(topic: name, set: ["retention.ms": String(ms)])
        }
        print("Topic \(name) now keeps messages for \(DurationText.format(milliseconds: ms)) (retention.ms=\(ms)).")
    }
}

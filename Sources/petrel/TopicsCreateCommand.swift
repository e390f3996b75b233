import ArgumentParser
import KafkaClient

/// `petrel topics:create NAME`: a new topic, optionally with retention and compaction.
struct TopicsCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics:create", abstract: "Create a topic.")

    @Argument(help: "The topic name.") var name: String
    @Option(help: "Number of partitions (default: the broker's num.partitions).") var partitions: Int?
    @Option(help: "Copies of each partition (default: the broker's default.replication.factor).")
    var replicationFactor: Int?
    @Option(help: "How long to keep messages, e.g. 36h or 10d (units: ms, s, m, h, d, w).") var retentionTime: String?
    @Flag(help: "Keep the latest message per key (cleanup.policy=compact).") var compaction = false
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        let partitions = try TopicsInput.partitions(self.partitions)
        let replicationFactor = try TopicsInput.replicationFactor(self.replicationFactor)
        var configs: [String: String] = [:]
        if let retentionTime {
            configs["retention.ms"] = String(try TopicsInput.retentionMilliseconds(retentionTime, what: "Retention time"))
        }
        if compaction {
            // With an explicit retention time, old messages are also deleted after compaction.
            configs["cleanup.policy"] = retentionTime == nil ? "compact" : "compact,delete"
        }
        let created = try await connection.withClient { client in
            try await client.createTopic(
                name, partitions: partitions, replicationFactor: replicationFactor, configs: configs)
        }
        var facts: [String] = []
        if created.partitions > 0 { facts.append("\(created.partitions) partition\(created.partitions == 1 ? "" : "s")") }
        if created.replicationFactor > 0 { facts.append("replication factor \(created.replicationFactor)") }
        if let ms = configs["retention.ms"].flatMap(Int64.init) {
            facts.append("retention \(DurationText.format(milliseconds: ms))")
        }
        if compaction { facts.append("compaction enabled") }
        print("Created topic \(name)" + (facts.isEmpty ? "." : " (\(facts.joined(separator: ", "))).")) 
    }
}

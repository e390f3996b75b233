import ArgumentParser
import KafkaClient

/// `petrel consumer-groups:info GROUP`: the group's state and members, and per partition the
/// committed offset, end offset, lag and owning member.
struct ConsumerGroupsInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer-groups:info", abstract: "Describe a consumer group: offsets, lag and owners per partition.")

    @Argument(help: "The consumer group id.") var group: String
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        guard !group.isEmpty else {
            throw CLIError("The group id is empty; pass one like `petrel consumer-groups:info my-group`.")
        }
        let group = self.group
        let report = try await connection.withClient { client in
            try await ConsumerGroupReport.gather(client: client, group: group)
        }
        guard let report else {
            throw CLIError("Consumer group '\(group)' does not exist; list groups with `petrel consumer-groups`.")
        }
        print(report.render())
    }
}

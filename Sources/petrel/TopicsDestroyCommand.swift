import ArgumentParser
import KafkaClient

/// `petrel topics:destroy NAME --confirm NAME`: deletes a topic and its messages.
struct TopicsDestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics:destroy", abstract: "Delete a topic and all its messages.",
        discussion: "Asks for the name twice so a typo cannot delete the wrong topic.")

    @Argument(help: "The topic name.") var name: String
    @Option(help: "The topic name again, to confirm.") var confirm: String?
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        guard let confirm else {
            throw CLIError("Destroying topic '\(name)' deletes all its messages; to go ahead, run again with --confirm \(name).")
        }
        guard confirm == name else {
            throw CLIError("--confirm '\(confirm)' does not match the topic '\(name)'; run again with --confirm \(name).")
        }
        try await connection.withClient { client in
            try await client.deleteTopic(name)
        }
        print("Destroyed topic \(name).")
    }
}

import ArgumentParser
import KafkaClient

/// `petrel topics`: the topic names, one per line.
struct TopicsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics", abstract: "List topics.")

    @Flag(help: "Include internal topics such as __consumer_offsets.") var all = false
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let includeInternal = all
        let names = try await connection.withClient { client in
            try await client.listTopics(includeInternal: includeInternal)
        }
        if names.isEmpty {
            print("No topics yet; create one with `petrel topics:create NAME`.")
        }
        for name in names { print(name) }
    }
}

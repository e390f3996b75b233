import ArgumentParser

@main
struct Petrel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "petrel",
        abstract: "Kafka-compatible event streaming: brokers, a dev cluster and topic tools.",
        subcommands: [BrokerCommand.self, DevCommand.self] + TopicCommandSet.all
    )
}

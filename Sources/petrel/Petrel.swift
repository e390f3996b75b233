import ArgumentParser

@main
struct Petrel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "petrel",
        abstract: "Kafka-compatible event streaming: brokers, a dev cluster, topic and consumer group tools.",
        subcommands: [BrokerCommand.self, DevCommand.self, ClusterCommand.self, FailCommand.self, WaitCommand.self] + TopicCommandSet.all + [
            ConsumerGroupsListCommand.self, ConsumerGroupsInfoCommand.self,
        ]
    )
}

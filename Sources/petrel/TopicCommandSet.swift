import ArgumentParser

/// The `topics:*` commands; they work against any Kafka bootstrap.
enum TopicCommandSet {
    static let all: [any ParsableCommand.Type] = [
        TopicsListCommand.self,
        TopicsCreateCommand.self,
        TopicsInfoCommand.self,
        TopicsDestroyCommand.self,
        TopicsWriteCommand.self,
        TopicsTailCommand.self,
        TopicsRetentionTimeCommand.self,
        TopicsCompactionCommand.self,
        TopicsReplicationFactorCommand.self,
    ]
}

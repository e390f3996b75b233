import ArgumentParser
import KafkaClient
import NIOCore

/// `petrel topics:write NAME MESSAGE`: sends one message and says where it landed.
struct TopicsWriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics:write", abstract: "Write one message to a topic.")

    @Argument(help: "The topic name.") var name: String
    @Argument(help: "The message (UTF-8 text).") var message: String
    @Option(help: "The message key; messages with the same key go to the same partition.") var key: String?
    @Option(help: "Write to this partition instead of choosing one by key.") var partition: Int?
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        let chosen: Int32?
        if let partition {
            guard let p = Int32(exactly: partition), p >= 0 else {
                throw CLIError("--partition must be 0 or more, but got \(partition); partitions are numbered from 0.")
            }
            chosen = p
        } else {
            chosen = nil
        }
        let key = self.key.map { ByteBuffer(string: $0) }
        let record = ProducerRecord(key: key, value: ByteBuffer(string: message))
        let (partition, offset) = try await connection.withClient { client in
            let p: Int32
            if let chosen { p = chosen } else { p = try await client.choosePartition(topic: name, key: key) }
            let offset = try await client.produce(topic: name, partition: p, records: [record], acks: .all)
            return (p, offset)
        }
        print("Wrote a message to \(name) partition \(partition) at offset \(offset).")
    }
}

import ArgumentParser
import Foundation
import KafkaClient

/// `petrel topics:tail NAME`: follows every partition from its end until Ctrl-C, one line per
/// message: `topic partition offset length value`.
struct TopicsTailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics:tail", abstract: "Print new messages as they arrive (Ctrl-C stops).")

    @Argument(help: "The topic name.") var name: String
    @Option(help: "Show at most this many characters of each value.") var maxLength: Int = 80
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        let maxLength = self.maxLength
        guard maxLength >= 0 else {
            throw CLIError("--max-length must be 0 or more, but got \(maxLength); pass e.g. --max-length 200.")
        }
        try await connection.withClient { client in
            let topic = try await client.describeTopic(name)
            let ends = try await client.listOffsets(topic: name, spec: .latest)
            let count = topic.partitions.count
            FileHandle.standardError.write(Data(
                "Tailing \(name) (\(count) partition\(count == 1 ? "" : "s")) from the end; Ctrl-C stops.\n".utf8))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for p in topic.partitions {
                    let start = ends[p.partition] ?? 0
                    group.addTask {
                        for try await record in client.consume(topic: name, partition: p.partition, from: .offset(start)) {
                            let line = TailLine.format(topic: name, record: record, maxLength: maxLength) + "\n"
                            FileHandle.standardOutput.write(Data(line.utf8))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

/// One `topics:tail` line: `topic partition offset length value`, NULL for a null value, the
/// value cut to `maxLength` characters with control characters escaped so it stays one line.
enum TailLine {
    static func format(topic: String, record: ConsumedRecord, maxLength: Int) -> String {
        guard let value = record.value else {
            return "\(topic) \(record.partition) \(record.offset) 0 NULL"
        }
        let text = String(decoding: value.readableBytesView, as: UTF8.self)
        var shown = ""
        for character in text.prefix(maxLength) {
            switch character {
            case "\n": shown += "\\n"
            case "\r": shown += "\\r"
            case "\t": shown += "\\t"
            default:
                let isControl = character.unicodeScalars.allSatisfy { $0.value < 0x20 || $0.value == 0x7f }
                shown += isControl ? "." : String(character)
            }
        }
        return "\(topic) \(record.partition) \(record.offset) \(value.readableBytes) \(shown)"
    }
}

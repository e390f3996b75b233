import ArgumentParser
import KafkaClient

/// `petrel topics:info NAME`: partitions (leader, replicas, ISR, offsets, size) and the
/// retention and compaction settings.
struct TopicsInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics:info", abstract: "Describe a topic.")

    @Argument(help: "The topic name.") var name: String
    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        let report = try await connection.withClient { client in try await TopicReport.gather(client: client, topic: name) }
        print(report.render())
    }
}

/// Everything `topics:info` shows, gathered first so printing cannot fail halfway.
struct TopicReport {
    var topic: TopicMetadata
    var start: [Int32: Int64]
    var end: [Int32: Int64]
    /// nil when the broker cannot say (no DescribeLogDirs).
    var sizes: [Int32: Int64]?
    /// nil when the broker cannot say (no DescribeConfigs).
    var configs: [String: ConfigEntry]?

    static func gather(client: KafkaClient, topic name: String) async throws -> TopicReport {
        let topic = try await client.describeTopic(name)
        let start = try await client.listOffsets(topic: name, spec: .earliest)
        let end = try await client.listOffsets(topic: name, spec: .latest)
        let sizes = try await optional {
            var sizes: [Int32: Int64] = [:]
            let leaders = Dictionary(uniqueKeysWithValues: topic.partitions.map { ($0.partition, $0.leader) })
            for replica in try await client.describeLogDirs(topic: name) where !replica.isFuture {
                // The leader's copy is the one consumers read; other replicas may lag.
                if leaders[replica.partition] == replica.broker || sizes[replica.partition] == nil {
                    sizes[replica.partition] = replica.size
                }
            }
            return sizes
        }
        let configs = try await optional {
            Dictionary(try await client.describeConfigs(topic: name).map { ($0.name, $0) }) { a, _ in a }
        }
        return TopicReport(topic: topic, start: start, end: end, sizes: sizes, configs: configs)
    }

    /// nil when the broker does not offer the API; other errors still fail the command.
    private static func optional<T>(_ body: () async throws -> T) async throws -> T? {
        do {
            return try await body()
        } catch let error as KafkaClientError {
            if case .unsupportedApi = error.kind { return nil }
            throw error
        }
    }

    func render() -> String {
        let partitions = topic.partitions
        let replication = partitions.map(\.replicas.count).max() ?? 0
        let messages = partitions.reduce(Int64(0)) { sum, p in
            sum + max(0, (end[p.partition] ?? 0) - (start[p.partition] ?? 0))
        }
        var lines = [
            "Topic:        \(topic.name)",
            "Partitions:   \(partitions.count)",
            "Replication:  \(replication)",
            "Retention:    \(retentionText())",
            "Compaction:   \(compactionText())",
            "Messages:     \(messages)",
            "Size:         \(sizes.map { ByteCountText.format($0.values.reduce(0, +)) } ?? "unknown (the broker does not report log sizes)")",
            "",
        ]
        var rows = [["PARTITION", "LEADER", "REPLICAS", "ISR", "START", "END", "SIZE"]]
        for p in partitions {
            rows.append([
                "\(p.partition)", p.leader >= 0 ? "\(p.leader)" : "none", ids(p.replicas), ids(p.isr),
                offset(start[p.partition]), offset(end[p.partition]),
                sizes?[p.partition].map(ByteCountText.format) ?? "-",
            ])
        }
        lines += Table.render(rows)
        return lines.joined(separator: "\n")
    }

    private func retentionText() -> String {
        guard let configs else { return "unknown (the broker does not report configs)" }
        guard let entry = configs["retention.ms"], let value = entry.value, let ms = Int64(value) else { return "unknown" }
        let origin = entry.isDefault ? ", broker default" : ""
        return "\(DurationText.format(milliseconds: ms)) (retention.ms=\(ms)\(origin))"
    }

    private func compactionText() -> String {
        guard let configs else { return "unknown (the broker does not report configs)" }
        guard let policy = configs["cleanup.policy"]?.value else { return "unknown" }
        let enabled = policy.split(separator: ",").contains { $0.trimmingWhitespaceForTable() == "compact" }
        return "\(enabled ? "enabled" : "disabled") (cleanup.policy=\(policy))"
    }

    private func ids(_ list: [Int32]) -> String {
        list.isEmpty ? "-" : list.map(String.init).joined(separator: ",")
    }

    private func offset(_ value: Int64?) -> String {
        value.map(String.init) ?? "-"
    }
}

/// Left-aligned columns separated by two spaces.
enum Table {
    static func render(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
    }
}

extension Substring {
    func trimmingWhitespaceForTable() -> Substring {
        var s = self
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return s
    }
}

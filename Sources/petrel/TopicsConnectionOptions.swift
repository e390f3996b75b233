import ArgumentParser
import Foundation
import KafkaClient
import Logging
import NIOCore

/// `--bootstrap`, shared by every `topics:*` command: the flag, else $KAFKA_URL, else
/// 127.0.0.1:9092.
struct TopicsConnectionOptions: ParsableArguments {
    static let defaultBootstrap = "127.0.0.1:9092"

    @Option(help: "Kafka bootstrap servers, host:port[,host:port] (default: $KAFKA_URL, else 127.0.0.1:9092).")
    var bootstrap: String?

    var resolved: (text: String, source: TopicsErrorSentences.BootstrapSource) {
        if let bootstrap { return (bootstrap, .flag) }
        if let url = ProcessInfo.processInfo.environment["KAFKA_URL"], !url.isEmpty { return (url, .environment) }
        return (Self.defaultBootstrap, .defaultAddress)
    }

    /// Runs `body` with a connected client and shuts it down afterwards; any error becomes
    /// one sentence (`CLIError`).
    func withClient<T>(_ body: (KafkaClient) async throws -> T) async throws -> T {
        let (text, source) = resolved
        let client: KafkaClient
        do {
            var configuration = try KafkaClient.Configuration(bootstrap: text, clientId: "petrel-cli")
            configuration.connection.connectTimeout = .seconds(5)
            configuration.maxAttempts = 5
            client = KafkaClient(configuration: configuration, logger: Logger(label: "petrel.topics"))
        } catch {
            throw CLIError(TopicsErrorSentences.sentence(for: error, bootstrap: text, source: source))
        }
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw CLIError(TopicsErrorSentences.sentence(for: error, bootstrap: text, source: source))
        }
    }
}

/// Checks shared by several commands, each failing with one sentence.
enum TopicsInput {
    static func partitions(_ value: Int?) throws -> Int32 {
        guard let value else { return -1 }
        guard value >= 1, value <= Int(Int32.max) else {
            throw CLIError("--partitions must be 1 or more, but got \(value); pass e.g. --partitions 3.")
        }
        return Int32(value)
    }

    static func replicationFactor(_ value: Int?) throws -> Int16 {
        guard let value else { return -1 }
        guard value >= 1, value <= Int(Int16.max) else {
            throw CLIError("--replication-factor must be 1 or more, but got \(value); pass e.g. --replication-factor 3.")
        }
        return Int16(value)
    }

    static func retentionMilliseconds(_ text: String, what: String) throws -> Int64 {
        do {
            return try DurationText.milliseconds(text, what: what)
        } catch {
            throw CLIError(TopicsErrorSentences.sentence(for: error, bootstrap: "", source: .flag))
        }
    }

    static func topicName(_ name: String) throws -> String {
        guard !name.isEmpty else { throw CLIError("The topic name is empty; pass a name like my-events.") }
        return name
    }
}

/// Byte counts for people: 0 B, 812 B, 4.1 KB, 12.0 MB.
enum ByteCountText {
    static func format(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: "%.1f", value) + " " + units[unit]
    }
}

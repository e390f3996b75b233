import Foundation
import KafkaProtocol

/// The broker's persistent metadata: cluster id and topics, one JSON file replaced atomically
/// (write temp, fsync, rename, fsync dir), so a crash leaves the old or the new file whole.
struct MetadataFile: Sendable {
    struct Contents: Codable, Sendable {
        var clusterId: String
        var topics: [TopicMetadata]
    }

    let path: String

    init(dataDir: String) {
        self.path = dataDir + "/__petrel_metadata.json"
    }

    func load() throws -> Contents? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(Contents.self, from: data)
    }

    func save(_ contents: Contents) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(contents)
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw BrokerError(.kafkaStorageError, "cannot write \(temp): errno \(errno)") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else {
            throw BrokerError(.kafkaStorageError, "cannot write \(temp): errno \(errno)")
        }
        guard rename(temp, path) == 0 else { throw BrokerError(.kafkaStorageError, "cannot rename \(temp): errno \(errno)") }
        let dir = open((path as NSString).deletingLastPathComponent, O_RDONLY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }

    /// A Kafka-style cluster id: 16 random bytes, URL-safe base64.
    static func newClusterId() -> String { KafkaUUID.random().base64 }
}

import KafkaProtocol

/// The `partition.metadata` file Kafka writes in each partition directory, naming the topic id
/// so a directory left from a deleted topic is never mistaken for a new topic of the same name:
///
/// ```
/// version: 0
/// topic_id: <22 characters of URL-safe base64>
/// ```
enum PartitionMetadataFile {
    static func path(in directory: String) -> String { "\(directory)/\(LogFileNames.partitionMetadata)" }

    static func write(topicId: KafkaUUID, in directory: String) throws(StorageError) {
        try Posix.writeAtomically("version: 0\ntopic_id: \(topicId.base64)\n", to: path(in: directory))
    }

    /// The topic id, or nil when the file is missing or does not parse.
    static func read(in directory: String) -> KafkaUUID? {
        guard let text = Posix.readText(path(in: directory)) else { return nil }
        var version: String?
        var topicId: KafkaUUID?
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
            switch key {
            case "version": version = String(value)
            case "topic_id": topicId = KafkaUUID(base64: String(value))
            default: continue
            }
        }
        return version == "0" ? topicId : nil
    }
}

/// A topic partition, the key of the manager's map and its checkpoint files.
public struct TopicPartition: Hashable, Sendable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)-\(partition)" }
}

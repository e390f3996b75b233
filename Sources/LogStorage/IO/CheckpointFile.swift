/// Kafka's checkpoint text format: a version line (0), an entry count, then one entry per line
/// with space-separated fields. Used for the leader epoch cache and the per-directory offset
/// checkpoints (recovery point, log start offset, high watermark).
enum CheckpointFile {
    static let version = 0

    static func write(_ entries: [String], to path: String) throws(StorageError) {
        var text = "\(version)\n\(entries.count)\n"
        for entry in entries { text += entry + "\n" }
        try Posix.writeAtomically(text, to: path)
    }

    /// The entry lines split into fields; nil when the file is missing. A file that does not
    /// parse is an error, so the caller can decide to rebuild.
    static func read(_ path: String) throws(StorageError) -> [[Substring]]? {
        guard Posix.fileExists(path) else { return nil }
        guard let text = Posix.readText(path) else {
            throw StorageError(.kafkaStorageError, "cannot read checkpoint \(path)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard lines.count >= 2, Int(lines[0]) == version, let count = Int(lines[1]), count == lines.count - 2 else {
            throw StorageError(.kafkaStorageError, "malformed checkpoint \(path)")
        }
        return lines.dropFirst(2).map { $0.split(separator: " ") }
    }
}

/// `topic partition offset` checkpoints, one file per data directory.
enum OffsetCheckpoint {
    typealias Key = TopicPartition

    static func write(_ offsets: [Key: Int64], to path: String) throws(StorageError) {
        let lines = offsets.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
            .map { "\($0.key.topic) \($0.key.partition) \($0.value)" }
        try CheckpointFile.write(lines, to: path)
    }

    static func read(_ path: String) throws(StorageError) -> [Key: Int64] {
        guard let entries = try CheckpointFile.read(path) else { return [:] }
        var out: [Key: Int64] = [:]
        for fields in entries {
            guard fields.count == 3, let partition = Int32(fields[1]), let offset = Int64(fields[2]) else {
                throw StorageError(.kafkaStorageError, "malformed checkpoint entry in \(path)")
            }
            out[TopicPartition(topic: String(fields[0]), partition: partition)] = offset
        }
        return out
    }
}

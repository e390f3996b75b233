/// Kafka's on-disk names: a partition directory `<topic>-<partition>` holding segments named by
/// their 20-digit, zero-padded base offset with `.log`, `.index`, `.timeindex` and `.txnindex` suffixes.
enum LogFileNames {
    static let logSuffix = ".log"
    static let indexSuffix = ".index"
    static let timeIndexSuffix = ".timeindex"
    static let txnIndexSuffix = ".txnindex"
    /// Suffixes of files left by an interrupted operation; they are deleted on load.
    static let leftoverSuffixes = [".tmp", ".deleted", ".cleaned", ".swap"]
    /// A directory renamed for deletion (Kafka: `<topic>-<partition>.<id>-delete`).
    static let deleteDirSuffix = "-delete"
    static let leaderEpochCheckpoint = "leader-epoch-checkpoint"
    static let partitionMetadata = "partition.metadata"
    static let cleanShutdown = ".kafka_cleanshutdown"
    static let recoveryPointCheckpoint = "recovery-point-offset-checkpoint"
    static let logStartOffsetCheckpoint = "log-start-offset-checkpoint"
    static let highWatermarkCheckpoint = "replication-offset-checkpoint"

    /// 20 digits, zero-padded: lexical order is offset order.
    static func baseName(_ offset: Int64) -> String {
        let digits = String(offset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    static func logFile(_ dir: String, _ base: Int64) -> String { "\(dir)/\(baseName(base))\(logSuffix)" }
    static func indexFile(_ dir: String, _ base: Int64) -> String { "\(dir)/\(baseName(base))\(indexSuffix)" }
    static func timeIndexFile(_ dir: String, _ base: Int64) -> String { "\(dir)/\(baseName(base))\(timeIndexSuffix)" }
    static func txnIndexFile(_ dir: String, _ base: Int64) -> String { "\(dir)/\(baseName(base))\(txnIndexSuffix)" }

    /// Every file a segment may have, for deletion.
    static func segmentFiles(_ dir: String, _ base: Int64) -> [String] {
        segmentFileSuffixes.map { "\(dir)/\(baseName(base))\($0)" }
    }

    /// The base offset of a segment file name with `suffix`, or nil when it is not one.
    static func baseOffset(of name: String, suffix: String) -> Int64? {
        guard name.hasSuffix(suffix) else { return nil }
        let stem = name.dropLast(suffix.count)
        guard stem.count == 20, stem.allSatisfy(\.isASCIIDigit) else { return nil }
        return Int64(stem)
    }

    static func partitionDirectory(topic: String, partition: Int32) -> String { "\(topic)-\(partition)" }

    /// Splits `<topic>-<partition>`; the topic may itself contain dashes. Nil for other names
    /// (deleted, future and stray directories, checkpoint files).
    static func parsePartitionDirectory(_ name: String) -> (topic: String, partition: Int32)? {
        guard let dash = name.lastIndex(of: "-") else { return nil }
        let topic = name[..<dash]
        let number = name[name.index(after: dash)...]
        guard !topic.isEmpty, !number.isEmpty, number.allSatisfy(\.isASCIIDigit),
              let partition = Int32(number) else { return nil }
        return (String(topic), partition)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

/// File names used by retention and the cleaner (Kafka's LogFileUtils suffixes).
extension LogFileNames {
    /// A segment the cleaner is writing; deleted on load (the old segments are intact).
    static let cleanedSuffix = ".cleaned"
    /// A cleaned segment about to replace old ones; load completes the replacement.
    static let swapSuffix = ".swap"
    /// A retired segment file waiting for file.delete.delay.ms; deleted on load.
    static let deletedSuffix = ".deleted"
    /// The files one segment consists of; retention retires and the cleaner swaps them together.
    static let segmentFileSuffixes = [logSuffix, indexSuffix, timeIndexSuffix, txnIndexSuffix]
    /// Per data directory: the first dirty offset of each compacted partition.
    static let cleanerCheckpoint = "cleaner-offset-checkpoint"

    static func segmentFile(_ dir: String, _ base: Int64, _ suffix: String) -> String {
        "\(dir)/\(baseName(base))\(suffix)"
    }

    /// The base offset of any segment file name (`<20 digits>.<suffix>[.<state>]`), nil otherwise.
    static func segmentBase(of name: String) -> Int64? {
        guard name.count > 21, name[name.index(name.startIndex, offsetBy: 20)] == "." else { return nil }
        let stem = name.prefix(20)
        guard stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(stem)
    }
}

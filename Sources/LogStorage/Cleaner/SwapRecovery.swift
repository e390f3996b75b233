import KafkaProtocol
import Logging

/// Finishes or undoes a cleaner swap interrupted by a crash, before a partition's segments are
/// listed (Kafka's LogLoader.removeTempFilesAndCollectSwapFiles and its swap completion):
///
/// - `.cleaned` files are a round that never reached its swap: deleted. A `.swap` file at or
///   above the lowest `.cleaned` base may be half renamed: deleted too (the old segments are
///   still all there).
/// - A `<base>.log.swap` is a cleaned segment whose swap began: the old segments it replaces,
///   every segment based in [base, the swap's next offset), are deleted and the swap takes the
///   final name, and so does its transaction index (which nothing else could rebuild). Its
///   offset and time indexes are deleted, so the loader rebuilds them.
enum SwapRecovery {
    /// Returns how many swaps were completed.
    @discardableResult
    static func run(in directory: String, io: any LogFileIO, logger: Logger) throws(StorageError) -> Int {
        let names = try Posix.list(directory).sorted()
        let cleanedBases = names.filter { $0.hasSuffix(LogFileNames.cleanedSuffix) }.compactMap(LogFileNames.segmentBase)
        let lowestCleaned = cleanedBases.min() ?? .max
        for name in names where name.hasSuffix(LogFileNames.cleanedSuffix) {
            try Posix.remove("\(directory)/\(name)")
        }
        let logSwaps = names.compactMap { name -> Int64? in
            guard let base = LogFileNames.segmentBase(of: name), base < lowestCleaned,
                  name == LogFileNames.baseName(base) + LogFileNames.logSuffix + LogFileNames.swapSuffix else { return nil }
            return base
        }
        for name in names where name.hasSuffix(LogFileNames.swapSuffix) {
            guard let base = LogFileNames.segmentBase(of: name) else { continue }
            let kept = logSwaps.contains(base)
                && (name.hasPrefix(LogFileNames.baseName(base) + LogFileNames.logSuffix)
                    || name.hasPrefix(LogFileNames.baseName(base) + LogFileNames.txnIndexSuffix))
            if !kept { try Posix.remove("\(directory)/\(name)") }
        }
        guard !logSwaps.isEmpty else { return 0 }
        var logBases = names.compactMap { LogFileNames.baseOffset(of: $0, suffix: LogFileNames.logSuffix) }
        for base in logSwaps.sorted() {
            let swapPath = LogFileNames.segmentFile(directory, base, LogFileNames.logSuffix + LogFileNames.swapSuffix)
            let next = try nextOffset(of: swapPath, base: base, io: io)
            for old in logBases where old >= base && old < max(next, base + 1) {
                for suffix in LogFileNames.segmentFileSuffixes {
                    try Posix.remove(LogFileNames.segmentFile(directory, old, suffix))
                }
            }
            logBases.removeAll { $0 >= base && $0 < max(next, base + 1) }
            try Posix.rename(swapPath, LogFileNames.logFile(directory, base))
            let txnSwap = LogFileNames.segmentFile(directory, base, LogFileNames.txnIndexSuffix + LogFileNames.swapSuffix)
            if Posix.fileExists(txnSwap) { try Posix.rename(txnSwap, LogFileNames.txnIndexFile(directory, base)) }
            logger.warning("completed an interrupted cleaner swap", metadata: [
                "directory": "\(directory)", "segment": "\(base)", "nextOffset": "\(next)",
            ])
        }
        Posix.syncDirectory(directory)
        return logSwaps.count
    }

    /// One past the last offset in a segment file (its base when empty). Stops at the first
    /// bytes that are not a batch; the loader's recovery then cuts them.
    private static func nextOffset(of path: String, base: Int64, io: any LogFileIO) throws(StorageError) -> Int64 {
        let file = try SegmentFile.open(path, create: false, io: io)
        var scanner = BatchScanner(file: file, from: 0, end: try file.size(), chunkSize: 256 * 1024)
        var next = base
        while case .batch(let header, _, _) = try scanner.next() {
            next = max(next, header.lastOffset + 1)
        }
        return next
    }
}

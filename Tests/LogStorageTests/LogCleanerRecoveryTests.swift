import Foundation
import KafkaProtocol
import NIOCore
import Testing
@testable import LogStorage

/// A crash at each step of a cleaner swap, rebuilt from real files: the state before the round
/// and the cleaned segment it produced are combined the way a crash would leave them, and the
/// partition is loaded as after a kill -9.
@Suite struct LogCleanerRecoveryTests {
    private struct Scenario {
        /// Owns the files for as long as the scenario lives.
        let dir: TestDirectory
        /// The partition before cleaning, and after one round with a single cleaned group.
        let before: String
        let after: String
        let beforeRecords: [StoredRecord]
        let afterRecords: [StoredRecord]
        let oldBases: [Int64]
    }

    private func config() -> LogConfig {
        var config = compactedConfig(segmentBytes: 1 << 20)
        config.segmentMs = 1_000
        return config
    }

    /// Ten one-batch segments (rolled by segment.ms), all in one cleaning group.
    private func scenario() throws -> Scenario {
        let dir = TestDirectory()
        let clock = ManualClock()
        let live = "\(dir.path)/t-0"
        let log = try PartitionLog.open(directory: live, topic: "t", partition: 0, config: config(), clock: clock, logger: quietLogger)
        for round in 0..<10 {
            try log.appendKeyed((0..<6).map { KV("k\($0)", "r\(round)") }, timestamp: clock.nowMs)
            clock.advance(by: 1_001)
        }
        try log.appendKeyed([KV("active", "a")], timestamp: clock.nowMs)
        let oldBases = Array(log.segmentBaseOffsets.dropLast())
        #expect(oldBases.count == 10)
        let beforeRecords = try log.storedRecords()
        try log.flush()
        let before = "\(dir.path)/before"
        try FileManager.default.createDirectory(atPath: before, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: live, toPath: "\(before)/t-0")
        _ = try #require(makeCleaner([log], clock: clock, dataDir: dir.path).cleanOnce())
        #expect(log.segmentCount == 2)  // one cleaned segment at base 0, then the active one
        let afterRecords = try log.storedRecords()
        #expect(afterRecords.count < beforeRecords.count)
        try log.close()
        return Scenario(
            dir: dir, before: "\(before)/t-0", after: live, beforeRecords: beforeRecords, afterRecords: afterRecords, oldBases: oldBases)
    }

    /// A copy of the pre-clean partition with `edit` applied, loaded as after a crash.
    private func crashed(_ scenario: Scenario, _ edit: (String) throws -> Void) throws -> (PartitionLog, [String]) {
        let dir = "\(scenario.dir.path)/crash-\(UUID().uuidString)/t-0"
        try FileManager.default.createDirectory(atPath: (dir as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: scenario.before, toPath: dir)
        try edit(dir)
        let log = try PartitionLog.open(
            directory: dir, topic: "t", partition: 0, config: config(), recovery: LogRecoveryState(cleanShutdown: false), logger: quietLogger)
        log.updateHighWatermark(log.logEndOffset)
        return (log, try FileManager.default.contentsOfDirectory(atPath: dir).sorted())
    }

    private func cleanedFile(_ scenario: Scenario, _ suffix: String) -> String {
        LogFileNames.segmentFile(scenario.after, 0, suffix)
    }

    @Test func aRoundThatNeverReachedItsSwapLeavesTheOldSegments() throws {
        let scenario = try scenario()
        let (log, files) = try crashed(scenario) { dir in
            for suffix in [".log", ".index", ".timeindex"] {
                try FileManager.default.copyItem(atPath: cleanedFile(scenario, suffix), toPath: LogFileNames.segmentFile(dir, 0, suffix + ".cleaned"))
            }
        }
        #expect(try log.storedRecords() == scenario.beforeRecords)
        #expect(log.segmentBaseOffsets.dropLast() == ArraySlice(scenario.oldBases))
        #expect(!files.contains { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") })
    }

    @Test func aHalfRenamedSwapIsUndone() throws {
        let scenario = try scenario()
        // The log file reached `.swap`, its index did not: the round is discarded.
        let (log, files) = try crashed(scenario) { dir in
            try FileManager.default.copyItem(atPath: cleanedFile(scenario, ".log"), toPath: LogFileNames.segmentFile(dir, 0, ".log.swap"))
            try FileManager.default.copyItem(atPath: cleanedFile(scenario, ".index"), toPath: LogFileNames.segmentFile(dir, 0, ".index.cleaned"))
        }
        #expect(try log.storedRecords() == scenario.beforeRecords)
        #expect(!files.contains { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") })
    }

    @Test(arguments: [0, 1, 5, 10])
    func aSwapThatBeganIsCompleted(retiredBeforeTheCrash: Int) throws {
        let scenario = try scenario()
        let (log, files) = try crashed(scenario) { dir in
            for suffix in [".log", ".index", ".timeindex"] {
                try FileManager.default.copyItem(atPath: cleanedFile(scenario, suffix), toPath: LogFileNames.segmentFile(dir, 0, suffix + ".swap"))
            }
            // Some old segments were already retired (renamed `.deleted`), oldest first.
            for base in scenario.oldBases.prefix(retiredBeforeTheCrash) {
                for suffix in [".log", ".index", ".timeindex"] {
                    let path = LogFileNames.segmentFile(dir, base, suffix)
                    try FileManager.default.moveItem(atPath: path, toPath: path + ".deleted")
                }
            }
        }
        #expect(try log.storedRecords() == scenario.afterRecords)
        #expect(log.segmentCount == 2)
        #expect(!files.contains { $0.hasSuffix(".cleaned") || $0.hasSuffix(".swap") || $0.hasSuffix(".deleted") })
        // The completed segment's indexes were rebuilt and serve reads from any offset.
        for record in scenario.afterRecords {
            let read = try log.read(from: record.offset, maxBytes: 1, maxOffset: log.logEndOffset, minOneBatch: true)
            #expect(read.firstOffset <= record.offset)
        }
    }
}

import Dispatch
import Logging

/// Deletes retired segment files after file.delete.delay.ms (Kafka's asynchronous segment
/// deletion). A segment leaves the log by being renamed `.deleted` under the partition lock,
/// which frees its names at once; the files go later, off every request path. Readers that
/// still hold a retired segment keep reading it meanwhile (and after: an unlinked file lives
/// until its last descriptor closes). Files still waiting when the process stops are removed
/// by the next load.
enum SegmentReaper {
    private static let queue = DispatchQueue(label: "petrel.segment-reaper")

    /// Renames every file of the segment based at `base` to `<name>.deleted`; returns the new
    /// paths. Called under the partition lock. A file that cannot be renamed is logged and left.
    static func retire(directory: String, base: Int64, logger: Logger) -> [String] {
        var retired: [String] = []
        for suffix in LogFileNames.segmentFileSuffixes {
            let path = LogFileNames.segmentFile(directory, base, suffix)
            guard Posix.fileExists(path) else { continue }
            let target = path + LogFileNames.deletedSuffix
            do {
                try Posix.rename(path, target)
                retired.append(target)
            } catch {
                logger.error("cannot retire segment file", metadata: ["path": "\(path)", "error": "\(error)"])
            }
        }
        return retired
    }

    /// Deletes `paths` after `delayMs`, then fsyncs their directory.
    static func schedule(_ paths: [String], afterMs delayMs: Int64, directory: String, logger: Logger) {
        guard !paths.isEmpty else { return }
        let delay = max(0, min(delayMs, Int64(Int32.max)))
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(delay))) {
            for path in paths {
                do {
                    try Posix.remove(path)
                } catch {
                    logger.error("cannot delete retired segment file", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
            Posix.syncDirectory(directory)
        }
    }

    /// Waits for deletions already due (tests).
    static func drain() {
        queue.sync {}
    }
}

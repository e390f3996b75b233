#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SegmentFile {
    /// The file's modification time in ms: what retention falls back on for a segment whose
    /// batches carry no timestamp (Kafka's LogSegment.largestTimestamp).
    func lastModifiedMs() -> Int64? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        #if canImport(Glibc)
        return Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
        #else
        return Int64(info.st_mtimespec.tv_sec) * 1000 + Int64(info.st_mtimespec.tv_nsec) / 1_000_000
        #endif
    }

    /// Sets the modification time (a cleaned segment keeps its newest source segment's, as Kafka does).
    func setLastModified(ms: Int64) {
        let spec = timespec(tv_sec: Int(ms / 1000), tv_nsec: Int(ms % 1000) * 1_000_000)
        var times = [spec, spec]
        _ = futimens(fd, &times)
    }
}

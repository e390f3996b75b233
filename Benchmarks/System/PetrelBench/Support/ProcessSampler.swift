import Foundation

/// CPU time and resident memory of other processes (one broker, or every broker of a
/// cluster, summed), from /proc/<pid>/stat and /status.
struct ProcessSampler: Sendable {
    let pids: [Int32]
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    init(pid: Int32) { pids = [pid] }
    init(pids: [Int32]) { self.pids = pids }

    /// User + system CPU seconds so far (Linux), nil if a process is gone.
    func cpuSeconds() -> Double? { sum(Self.cpuSeconds) }

    /// VmRSS in bytes, nil if a process is gone.
    func residentBytes() -> Double? { sum(Self.residentBytes) }

    private func sum(_ read: (Int32) -> Double?) -> Double? {
        var total = 0.0
        for pid in pids {
            guard let value = read(pid) else { return nil }
            total += value
        }
        return total
    }

    private static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after "(comm)": state is field 3, utime 14 and stime 15 (1-based).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticksPerSecond
    }

    private static func residentBytes(_ pid: Int32) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) })
        else { return nil }
        return kib * 1024
    }
}

/// CPU seconds (user + system) of this process so far: librdkafka's threads, the benchmark's,
/// and the mock cluster's when it runs.
func ownCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

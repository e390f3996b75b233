import Foundation

/// What the run ran on, for the report: CPU model and count, memory, kernel.
struct MachineInfo: Codable, Sendable {
    var cpuModel: String
    var cpus: Int
    var memoryGiB: Double
    var kernel: String
    var hostname: String

    static func current() -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memKiB = meminfo.split(separator: "\n").first { $0.hasPrefix("MemTotal:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Double($0) } } ?? 0
        var uts = utsname()
        uname(&uts)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return MachineInfo(
            cpuModel: String(model), cpus: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: (memKiB / 1_048_576 * 10).rounded() / 10,
            kernel: "\(text(uts.sysname)) \(text(uts.release)) \(text(uts.machine))", hostname: text(uts.nodename))
    }
}

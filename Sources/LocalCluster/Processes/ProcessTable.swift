import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Questions about processes by pid, answered from the kernel (/proc and signals), so they work
/// for processes this command started and for those an earlier command started.
public enum ProcessTable {
    /// True while `pid` runs: it exists and is not a zombie. A child of this process that has
    /// exited is reaped here.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        return state(of: pid).map { $0 != "Z" && $0 != "X" } ?? false
    }

    /// The one-letter state from /proc/<pid>/stat (R, S, D, T, Z, ...), nil when gone.
    static func state(of pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// The arguments `pid` was started with, nil when it is gone.
    public static func commandLine(of pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
    }

    /// True when `pid` runs and its command line holds `marker` as one argument: a pid from a
    /// state file is only signalled when it is still the process that was started (pids are reused).
    public static func isAlive(_ pid: Int32, withArgument marker: String) -> Bool {
        guard isAlive(pid), let arguments = commandLine(of: pid) else { return false }
        return arguments.contains(marker)
    }

    public static func signal(_ pid: Int32, _ signal: Int32) {
        guard pid > 0 else { return }
        kill(pid, signal)
    }

    /// Waits up to `timeout` for `pid` to exit; true when it did.
    public static func waitForExit(_ pid: Int32, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isAlive(pid) {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// SIGTERM, then SIGKILL when it has not exited within `grace`. True when it needed SIGKILL.
    @discardableResult
    public static func stop(_ pid: Int32, grace: Duration) async -> Bool {
        signal(pid, SIGTERM)
        // A stopped (SIGSTOP) process acts on SIGTERM only once continued.
        signal(pid, SIGCONT)
        if await waitForExit(pid, timeout: grace) { return false }
        signal(pid, SIGKILL)
        _ = await waitForExit(pid, timeout: .seconds(10))
        return true
    }

    /// SIGKILL and wait until it is gone.
    public static func kill9(_ pid: Int32) async {
        signal(pid, SIGKILL)
        _ = await waitForExit(pid, timeout: .seconds(10))
    }
}

extension ProcessTable {
    /// `waitForExit` for synchronous callers (a test's deinit): polls every 20 ms.
    @discardableResult
    public static func waitForExitBlocking(_ pid: Int32, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isAlive(pid) {
            if ContinuousClock.now >= deadline { return false }
            usleep(20_000)
        }
        return true
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a program with posix_spawn: stdin from /dev/null, stdout and stderr appended to a log
/// file, every other inherited descriptor closed (so a child never holds the caller's pipes or
/// lock files), signal mask and dispositions reset. `detached` puts it in a session of its own
/// (setsid), so it outlives the command that started it and a Ctrl-C there does not reach it.
public enum ProcessSpawner {
    /// glibc's POSIX_SPAWN_SETSID (2.26+); Swift's Glibc module hides it behind _GNU_SOURCE.
    static let spawnSetsid: Int32 = 0x80

    /// The child's pid.
    public static func spawn(
        executable: String, arguments: [String], logPath: String, detached: Bool,
        environment: [String: String]? = nil
    ) throws -> Int32 {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw LocalClusterError("\(executable) is not an executable file.")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // A close of a descriptor that is gone by then is ignored by glibc, so the race with
        // other threads opening and closing files is harmless.
        for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        if detached { flags |= spawnSetsid }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for arg in argv { free(arg) } }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for entry in env { free(entry) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        guard status == 0 else {
            throw LocalClusterError("Cannot start \(executable): \(String(cString: strerror(status))).")
        }
        return pid
    }

    /// The descriptors open in this process, from /proc/self/fd.
    static func openDescriptors() -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.compactMap { Int32($0) }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive flock on DIR/.lock while a command changes the cluster in DIR, so two commands
/// (say `fail` and `down`) never act on the same processes at once. The kernel drops it when
/// the process exits; children never inherit it (the spawner closes their descriptors).
final class DirectoryLock {
    private let fd: Int32

    init(directory: String) throws {
        let path = directory + "/.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LocalClusterError("Cannot open \(path): \(String(cString: strerror(errno))); choose a writable --dir.")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw LocalClusterError("Another petrel command is working on the cluster in \(directory) right now; wait for it to finish.")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

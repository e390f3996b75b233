import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Thin wrappers over the directory and file calls the log needs, with errors as StorageError.
enum Posix {
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) -> Int32 {
        path.withCString {
            #if canImport(Glibc)
            Glibc.open($0, flags, mode)
            #else
            Darwin.open($0, flags, mode)
            #endif
        }
    }

    static func closeDescriptor(_ fd: Int32) {
        _ = close(fd)
    }

    /// fsyncs a file by path through the I/O seam (index files are not kept open).
    static func syncFile(_ path: String, io: any LogFileIO) throws(StorageError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path: path, errno: errno) }
        let code = io.fsync(fd)
        _ = close(fd)
        if code != 0 { throw .io("fsync", path: path, errno: code) }
    }

    static func fileExists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : nil
    }

    static func makeDirectory(_ path: String) throws(StorageError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .io("mkdir", path: path, errno: errno) }
    }

    /// Names in a directory (no "." or "..").
    static func list(_ path: String) throws(StorageError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw StorageError(.kafkaStorageError, "cannot list \(path): \(error)")
        }
    }

    static func remove(_ path: String) throws(StorageError) {
        if unlink(path) != 0 && errno != ENOENT { throw .io("unlink", path: path, errno: errno) }
    }

    static func removeTree(_ path: String) throws(StorageError) {
        do {
            try FileManager.default.removeItem(atPath: path)
        } catch {
            if fileExists(path) { throw StorageError(.kafkaStorageError, "cannot delete \(path): \(error)") }
        }
    }

    static func rename(_ from: String, _ to: String) throws(StorageError) {
        #if canImport(Glibc)
        let result = Glibc.rename(from, to)
        #else
        let result = Darwin.rename(from, to)
        #endif
        if result != 0 { throw .io("rename to \(to):", path: from, errno: errno) }
    }

    /// fsync on a directory makes creations, renames and unlinks in it durable.
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = close(fd)
    }

    /// Writes `contents` to `path` atomically: a temp file, fsync, rename, fsync of the directory.
    static func writeAtomically(_ contents: String, to path: String) throws(StorageError) {
        let temp = path + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path: temp, errno: errno) }
        var bytes = Array(contents.utf8)
        let failure: Int32? = bytes.withUnsafeMutableBytes { raw in
            var done = 0
            while done < raw.count {
                let written = write(fd, raw.baseAddress.map { $0 + done }, raw.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += written
            }
            return fsync(fd) == 0 ? nil : errno
        }
        _ = close(fd)
        if let failure {
            _ = unlink(temp)
            throw .io("write", path: temp, errno: failure)
        }
        try rename(temp, path)
        syncDirectory(parent(of: path))
    }

    static func readText(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).flatMap { String(bytes: $0, encoding: .utf8) }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

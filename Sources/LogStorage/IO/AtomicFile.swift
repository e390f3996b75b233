/// Whole-file replacement that a crash leaves old or new, never torn: write a temp file, fsync,
/// rename over the target, fsync the directory. For small state files outside the log (the
/// embedded cluster metadata).
public enum AtomicFile {
    public static func write(_ contents: String, to path: String) throws(StorageError) {
        try Posix.writeAtomically(contents, to: path)
    }

    /// The file's text, or nil when it does not exist or is not UTF-8.
    public static func read(_ path: String) -> String? {
        Posix.fileExists(path) ? Posix.readText(path) : nil
    }

    public static func exists(_ path: String) -> Bool { Posix.fileExists(path) }
}

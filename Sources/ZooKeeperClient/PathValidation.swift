/// ZooKeeper's rules for znode paths (PathUtils.validatePath), checked before a request is sent
/// so a bad path fails with a clear `badArguments` instead of a dropped connection.
enum PathValidation {
    /// `sequential`: create appends a counter, so a trailing "/" is allowed (it names a child).
    static func validate(_ path: String, sequential: Bool = false) throws(ZooKeeperError) {
        guard !path.isEmpty else { throw .badArguments("the path is empty") }
        guard path.hasPrefix("/") else { throw .badArguments("the path must start with /", path: path) }
        if path == "/" { return }
        let checked = sequential && path.hasSuffix("/") ? String(path.dropLast()) : path
        if checked.hasSuffix("/") { throw .badArguments("the path must not end with /", path: path) }
        for component in checked.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if component.isEmpty { throw .badArguments("the path has an empty component", path: path) }
            if component == "." || component == ".." {
                throw .badArguments("relative components (. and ..) are not allowed", path: path)
            }
        }
        for scalar in path.unicodeScalars where isForbidden(scalar) {
            throw .badArguments("the path contains the forbidden character U+\(String(scalar.value, radix: 16))", path: path)
        }
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0000...0x001F, 0x007F...0x009F, 0xD800...0xF8FF, 0xFFF0...0xFFFF: true
        default: false
        }
    }
}

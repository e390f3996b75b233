// The znode operations. Versions are data versions (Stat.version); `nil` means "any version".
extension ZooKeeperClient {
    /// Creates a node with the open ACL and returns its actual path (sequential modes append a
    /// 10-digit counter). Fails with `nodeExists`, `noNode` (no parent) or `noChildrenForEphemerals`.
    @discardableResult
    public func create(_ path: String, data: [UInt8] = [], mode: CreateMode = .persistent) async throws(ZooKeeperError) -> String {
        try PathValidation.validate(path, sequential: mode.isSequential)
        try checkSize(path: path, data: data)
        let request = CreateRequest(path: path, data: data, flags: mode.flags)
        guard case .created(let actualPath) = try await call(.create(request)) else { throw Self.unexpected(path) }
        return actualPath
    }

    /// Deletes a node, only if its version is `version` when given. Fails with `noNode`,
    /// `badVersion` or `notEmpty`.
    public func delete(_ path: String, version: Int32? = nil) async throws(ZooKeeperError) {
        try PathValidation.validate(path)
        guard case .empty = try await call(.delete(DeleteRequest(path: path, version: version ?? -1))) else {
            throw Self.unexpected(path)
        }
    }

    /// The node's Stat, or nil when it does not exist. With a watcher, it fires when the node is
    /// created, changed or deleted.
    public func exists(_ path: String, watcher: ZooKeeperWatcher? = nil) async throws(ZooKeeperError) -> Stat? {
        try PathValidation.validate(path)
        let request = PathWatchRequest(path: path, watch: watcher != nil)
        guard case .exists(let stat) = try await call(.exists(request), watcher: watcher) else { throw Self.unexpected(path) }
        return stat
    }

    /// The node's data and Stat. With a watcher, it fires when the data changes or the node is
    /// deleted. Fails with `noNode` (and sets no watch then).
    public func getData(_ path: String, watcher: ZooKeeperWatcher? = nil) async throws(ZooKeeperError) -> NodeData {
        try PathValidation.validate(path)
        let request = PathWatchRequest(path: path, watch: watcher != nil)
        guard case .data(let data) = try await call(.getData(request), watcher: watcher) else { throw Self.unexpected(path) }
        return data
    }

    /// Replaces the node's data, only if its version is `version` when given, and returns the new
    /// Stat. Fails with `noNode` or `badVersion`.
    @discardableResult
    public func setData(_ path: String, data: [UInt8], version: Int32? = nil) async throws(ZooKeeperError) -> Stat {
        try PathValidation.validate(path)
        try checkSize(path: path, data: data)
        let request = SetDataRequest(path: path, data: data, version: version ?? -1)
        guard case .dataSet(let stat) = try await call(.setData(request)) else { throw Self.unexpected(path) }
        return stat
    }

    /// The node's children (names, not paths) and its Stat. With a watcher, it fires when a child
    /// is added or removed, or the node is deleted. Fails with `noNode`.
    public func getChildren(_ path: String, watcher: ZooKeeperWatcher? = nil) async throws(ZooKeeperError) -> NodeChildren {
        try PathValidation.validate(path)
        let request = PathWatchRequest(path: path, watch: watcher != nil)
        guard case .children(let children) = try await call(.getChildren(request), watcher: watcher) else {
            throw Self.unexpected(path)
        }
        return children
    }

    /// Applies the operations atomically: all of them, or none. On failure the error's code is the
    /// first failing operation's (`badVersion` for a failed check, say), with
    /// `failedOperationIndex` and one code per operation in `operationCodes`.
    public func multi(_ operations: [MultiOperation]) async throws(ZooKeeperError) -> [MultiResult] {
        if operations.isEmpty { return [] }
        var size = 0
        for operation in operations {
            switch operation {
            case .create(let path, let data, let mode):
                try PathValidation.validate(path, sequential: mode.isSequential)
                size += data.count
            case .setData(let path, let data, _):
                try PathValidation.validate(path)
                size += data.count
            case .delete(let path, _), .check(let path, _):
                try PathValidation.validate(path)
            }
            size += operation.path.utf8.count + 32
        }
        guard size <= configuration.maxRequestLength else {
            throw .badArguments("the transaction's \(size) bytes exceed the \(configuration.maxRequestLength)-byte request limit")
        }
        guard case .multi(let results) = try await call(.multi(MultiRequest(operations: operations))) else {
            throw Self.unexpected(nil)
        }
        return results
    }

    private func checkSize(path: String, data: [UInt8]) throws(ZooKeeperError) {
        // Header, path, ACL and framing take well under 128 bytes besides the path and data.
        let size = data.count + path.utf8.count + 128
        guard size <= configuration.maxRequestLength else {
            throw .badArguments(
                "\(data.count) bytes of data exceed the \(configuration.maxRequestLength)-byte request limit", path: path)
        }
    }

    static func unexpected(_ path: String?) -> ZooKeeperError {
        ZooKeeperError(.marshallingError, path: path, message: "the reply does not match the request")
    }
}

extension ZooKeeperClient {
    /// Creates `path` and any missing ancestors as empty persistent nodes; nodes that already
    /// exist (made by anyone, at any time) are left as they are. For the fixed skeleton of paths a
    /// component needs at startup (`/brokers/ids`, ...).
    public func ensurePath(_ path: String) async throws(ZooKeeperError) {
        try PathValidation.validate(path)
        var prefix = ""
        for component in path.split(separator: "/") {
            prefix += "/" + component
            do {
                try await create(prefix)
            } catch {
                guard error.code == .nodeExists else { throw error }
            }
        }
    }
}

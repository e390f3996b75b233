/// The one error type of ZooKeeperClient: ZooKeeper's error code plus the context of the call.
///
/// Server answers carry the server's code (`noNode`, `nodeExists`, `badVersion`, ...). Conditions
/// found by the client use ZooKeeper's client-side codes, as the Java client does:
/// `connectionLoss` (the connection dropped with the request in flight; the outcome is unknown and
/// the caller may retry), `sessionExpired` (the session is gone, or this client was closed),
/// `badArguments` (an invalid path or oversized data, rejected before sending) and
/// `marshallingError` (a frame that could not be decoded).
public struct ZooKeeperError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: Code
    /// The znode the failed call was about, when there is one.
    public var path: String?
    /// What the client knows beyond the code, in one sentence.
    public var message: String?
    /// For a failed `multi`: the position of the first failing operation.
    public var failedOperationIndex: Int?
    /// For a failed `multi`: one code per operation. `ok` for operations that would have succeeded
    /// before the failure, `runtimeInconsistency` for those after it (the server's convention).
    public var operationCodes: [Code]?

    public init(
        _ code: Code, path: String? = nil, message: String? = nil,
        failedOperationIndex: Int? = nil, operationCodes: [Code]? = nil
    ) {
        self.code = code
        self.path = path
        self.message = message
        self.failedOperationIndex = failedOperationIndex
        self.operationCodes = operationCodes
    }

    public var description: String {
        var text = "ZooKeeper error \(code)"
        if let path { text += " at \(path)" }
        if let failedOperationIndex { text += " (multi operation #\(failedOperationIndex))" }
        if let message { text += ": \(message)" }
        return text
    }

    /// True when the call may simply be retried on the same client (the session is still alive).
    public var isRetriable: Bool { code == .connectionLoss || code == .operationTimeout }
}

extension ZooKeeperError {
    static func connectionLoss(_ message: String, path: String? = nil) -> ZooKeeperError {
        ZooKeeperError(.connectionLoss, path: path, message: message)
    }

    static func sessionExpired(_ message: String) -> ZooKeeperError {
        ZooKeeperError(.sessionExpired, message: message)
    }

    static func badArguments(_ message: String, path: String? = nil) -> ZooKeeperError {
        ZooKeeperError(.badArguments, path: path, message: message)
    }

    static func marshalling(_ message: String) -> ZooKeeperError {
        ZooKeeperError(.marshallingError, message: message)
    }
}

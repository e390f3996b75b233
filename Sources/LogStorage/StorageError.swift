import KafkaProtocol

/// The one error type of LogStorage: a Kafka error code plus the partition context it happened in.
/// The broker maps it to a response by `code` alone.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    public var topic: String?
    public var partition: Int32?
    public var offset: Int64?

    public init(
        _ code: ErrorCode, _ message: String, topic: String? = nil, partition: Int32? = nil, offset: Int64? = nil
    ) {
        self.code = code
        self.message = message
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// A failed system call; errno goes into the message so operators can tell ENOSPC from EIO.
    static func io(_ what: String, path: String, errno code: Int32) -> StorageError {
        StorageError(.kafkaStorageError, "\(what) \(path) failed: \(describeErrno(code))")
    }

    static func corrupt(_ message: String, offset: Int64? = nil) -> StorageError {
        StorageError(.corruptMessage, message, offset: offset)
    }

    /// Adds the partition to an error raised below the partition level.
    func with(topic: String, partition: Int32) -> StorageError {
        var copy = self
        copy.topic = copy.topic ?? topic
        copy.partition = copy.partition ?? partition
        return copy
    }

    public var description: String {
        var text = "StorageError(\(code.rawValue)): \(message)"
        if let topic, let partition { text += " [\(topic)-\(partition)]" }
        if let offset { text += " at offset \(offset)" }
        return text
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func describeErrno(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return "\(String(cString: text)) (errno \(code))"
}

import KafkaProtocol
import NIOCore

/// The value of an offset commit record: Kafka's OffsetCommitValue, versions 0-4.
///
/// | version | fields |
/// |---|---|
/// | 0, 2 | offset, metadata, commitTimestamp |
/// | 1 | offset, metadata, commitTimestamp, expireTimestamp |
/// | 3 | offset, leaderEpoch, metadata, commitTimestamp |
/// | 4 | as 3, flexible (compact string, tagged fields) |
///
/// Kafka writes version 1 when the commit carried a retention time (OffsetCommit v2-v4) and
/// version 3 otherwise; Petrel does the same, and reads all five.
public struct OffsetCommitValue: Sendable, Hashable {
    public var offset: Int64
    /// -1 when unknown (and always after a version 0-2 record).
    public var leaderEpoch: Int32
    public var metadata: String
    public var commitTimestamp: Int64
    /// Only version 1 carries it; nil otherwise.
    public var expireTimestamp: Int64?

    public init(offset: Int64, leaderEpoch: Int32 = -1, metadata: String = "", commitTimestamp: Int64, expireTimestamp: Int64? = nil) {
        self.offset = offset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestamp = commitTimestamp
        self.expireTimestamp = expireTimestamp
    }

    public static let highestVersion: Int16 = 4

    /// The version Kafka would write for this value.
    public var preferredVersion: Int16 { expireTimestamp == nil ? 3 : 1 }

    func encode(to buffer: inout ByteBuffer, version: Int16) {
        let flexible = version >= 4
        buffer.writeInteger(offset)
        if version >= 3 { buffer.writeInteger(leaderEpoch) }
        buffer.writeKafkaString(metadata, flexible: flexible)
        buffer.writeInteger(commitTimestamp)
        if version == 1 { buffer.writeInteger(expireTimestamp ?? -1) }
        if flexible { buffer.writeUnsignedVarint(0) }
    }

    /// Reads one version; bytes after the known fields are ignored, as Kafka's readers do.
    static func decode(from buffer: inout ByteBuffer, version: Int16) throws(KafkaProtocolError) -> OffsetCommitValue {
        guard (0...highestVersion).contains(version) else {
            throw .invalid("unsupported OffsetCommitValue version \(version)")
        }
        let flexible = version >= 4
        let offset = try buffer.readKafkaInteger(as: Int64.self)
        let leaderEpoch = version >= 3 ? try buffer.readKafkaInteger(as: Int32.self) : -1
        let metadata = try buffer.readKafkaString(flexible: flexible)
        let commitTimestamp = try buffer.readKafkaInteger(as: Int64.self)
        var expire: Int64?
        if version == 1 {
            let value = try buffer.readKafkaInteger(as: Int64.self)
            expire = value == -1 ? nil : value
        }
        if flexible { try buffer.readKafkaTaggedFields { _, _ in } }
        return OffsetCommitValue(
            offset: offset, leaderEpoch: leaderEpoch, metadata: metadata, commitTimestamp: commitTimestamp,
            expireTimestamp: expire)
    }
}

import KafkaProtocol
import NIOCore

/// Kafka's coordinator record serialization: key = int16 record type + key struct, value =
/// int16 version + value struct, null value = tombstone (coordinator-common's
/// CoordinatorRecordSerde). The bytes match Kafka's, so a `__consumer_offsets` written by either
/// can be read by the other.
public enum CoordinatorRecordSerde {
    public static func encodeKey(_ record: CoordinatorRecord, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        switch record {
        case .offsetCommit(let key, _):
            var buffer = allocator.buffer(capacity: 2 + 4 + key.group.utf8.count + key.topic.utf8.count + 4)
            buffer.writeInteger(OffsetCommitKey.recordType)
            key.encode(to: &buffer)
            return buffer
        }
    }

    public static func encodeValue(_ record: CoordinatorRecord, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer? {
        switch record {
        case .offsetCommit(_, let value):
            guard let value else { return nil }
            let version = value.preferredVersion
            var buffer = allocator.buffer(capacity: 2 + 8 + 4 + 2 + value.metadata.utf8.count + 8 + 8)
            buffer.writeInteger(version)
            value.encode(to: &buffer, version: version)
            return buffer
        }
    }

    /// Decodes one record's key and value (both read from their reader index on).
    public static func decode(key: ByteBuffer, value: ByteBuffer?) throws(KafkaProtocolError) -> DecodedCoordinatorRecord {
        var key = key
        guard let type = key.readInteger(as: Int16.self) else { throw .truncated("coordinator record key version") }
        switch type {
        case CoordinatorRecordType.legacyOffsetCommit, CoordinatorRecordType.offsetCommit:
            let decodedKey = try OffsetCommitKey.decode(from: &key)
            guard var value else { return .record(.offsetCommit(decodedKey, nil)) }
            guard let version = value.readInteger(as: Int16.self) else {
                throw .truncated("coordinator record value version")
            }
            return .record(.offsetCommit(decodedKey, try OffsetCommitValue.decode(from: &value, version: version)))
        default:
            return .unhandled(type: type)
        }
    }

    /// The longest string a key or value can hold: strings carry an int16 length.
    public static let maxStringBytes = Int(Int16.max)
}

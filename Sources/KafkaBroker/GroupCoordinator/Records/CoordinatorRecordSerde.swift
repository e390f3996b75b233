import KafkaProtocol
import NIOCore

/// Kafka's coordinator record serialization: key = int16 record type + key struct, value =
/// int16 version + value struct, null value = tombstone (coordinator-common's
/// CoordinatorRecordSerde). The bytes match Kafka's, so a `__consumer_offsets` written by either
/// can be read by the other. Key structs are non-flexible (int16-length strings); the KIP-848
/// values are flexible version 0.
public enum CoordinatorRecordSerde {
    public static func encodeKey(_ record: CoordinatorRecord, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64)
        buffer.writeInteger(record.recordType)
        switch record {
        case .offsetCommit(let key, _):
            key.encode(to: &buffer)
        case .groupMetadata(let group, _), .consumerGroupMetadata(let group, _),
            .consumerGroupPartitionMetadata(let group, _), .consumerGroupTargetAssignmentMetadata(let group, _):
            buffer.writeKafkaString(group, flexible: false)
        case .consumerGroupMemberMetadata(let group, let member, _),
            .consumerGroupTargetAssignmentMember(let group, let member, _),
            .consumerGroupCurrentMemberAssignment(let group, let member, _):
            buffer.writeKafkaString(group, flexible: false)
            buffer.writeKafkaString(member, flexible: false)
        }
        return buffer
    }

    public static func encodeValue(_ record: CoordinatorRecord, allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer? {
        var buffer = allocator.buffer(capacity: 64)
        switch record {
        case .offsetCommit(_, let value):
            guard let value else { return nil }
            let version = value.preferredVersion
            buffer.writeInteger(version)
            value.encode(to: &buffer, version: version)
        case .groupMetadata(_, let value):
            guard let value else { return nil }
            buffer.writeInteger(GroupMetadataValue.writtenVersion)
            value.encode(to: &buffer, version: GroupMetadataValue.writtenVersion)
        case .consumerGroupMetadata(_, let value):
            guard let value else { return nil }
            buffer.writeInteger(Int16(0))
            value.encode(to: &buffer)
        case .consumerGroupPartitionMetadata(_, let value):
            guard let value else { return nil }
            buffer.writeInteger(Int16(0))
            value.encode(to: &buffer)
        case .consumerGroupMemberMetadata(_, _, let value):
            guard let value else { return nil }
            buffer.writeInteger(Int16(0))
            value.encode(to: &buffer)
        case .consumerGroupTargetAssignmentMetadata(_, let value):
            guard let value else { return nil }
            buffer.writeInteger(Int16(0))
            value.encode(to: &buffer)
        case .consumerGroupTargetAssignmentMember(_, _, let value):
            guard let value else { return nil }
            buffer.writeInteger(Int16(0))
            value.encode(to: &buffer)
        case .consumerGroupCurrentMemberAssignment(_, _, let value):
            guard let value else { return nil }
            buffer.writeInteger(Int16(0))
            value.encode(to: &buffer)
        }
        return buffer
    }

    /// Decodes one record's key and value (both read from their reader index on).
    public static func decode(key: ByteBuffer, value: ByteBuffer?) throws(KafkaProtocolError) -> DecodedCoordinatorRecord {
        var key = key
        guard let type = key.readInteger(as: Int16.self) else { throw .truncated("coordinator record key version") }
        var body: ByteBuffer? = nil
        var version: Int16 = 0
        if var value {
            guard let v = value.readInteger(as: Int16.self) else { throw .truncated("coordinator record value version") }
            version = v
            body = value
        }
        switch type {
        case CoordinatorRecordType.legacyOffsetCommit, CoordinatorRecordType.offsetCommit:
            let decodedKey = try OffsetCommitKey.decode(from: &key)
            guard var body else { return .record(.offsetCommit(decodedKey, nil)) }
            return .record(.offsetCommit(decodedKey, try OffsetCommitValue.decode(from: &body, version: version)))
        case CoordinatorRecordType.groupMetadata:
            let group = try key.readKafkaString(flexible: false)
            guard var body else { return .record(.groupMetadata(group: group, nil)) }
            return .record(.groupMetadata(group: group, try GroupMetadataValue.decode(from: &body, version: version)))
        case CoordinatorRecordType.consumerGroupMetadata:
            let group = try key.readKafkaString(flexible: false)
            let value = try decodeV0(&body, version) { (b: inout ByteBuffer) throws(KafkaProtocolError) in try ConsumerGroupMetadataValue.decode(from: &b) }
            return .record(.consumerGroupMetadata(group: group, value))
        case CoordinatorRecordType.consumerGroupPartitionMetadata:
            let group = try key.readKafkaString(flexible: false)
            let value = try decodeV0(&body, version) { (b: inout ByteBuffer) throws(KafkaProtocolError) in try ConsumerGroupPartitionMetadataValue.decode(from: &b) }
            return .record(.consumerGroupPartitionMetadata(group: group, value))
        case CoordinatorRecordType.consumerGroupMemberMetadata:
            let group = try key.readKafkaString(flexible: false)
            let member = try key.readKafkaString(flexible: false)
            let value = try decodeV0(&body, version) { (b: inout ByteBuffer) throws(KafkaProtocolError) in try ConsumerGroupMemberMetadataValue.decode(from: &b) }
            return .record(.consumerGroupMemberMetadata(group: group, member: member, value))
        case CoordinatorRecordType.consumerGroupTargetAssignmentMetadata:
            let group = try key.readKafkaString(flexible: false)
            let value = try decodeV0(&body, version) { (b: inout ByteBuffer) throws(KafkaProtocolError) in try ConsumerGroupTargetAssignmentMetadataValue.decode(from: &b) }
            return .record(.consumerGroupTargetAssignmentMetadata(group: group, value))
        case CoordinatorRecordType.consumerGroupTargetAssignmentMember:
            let group = try key.readKafkaString(flexible: false)
            let member = try key.readKafkaString(flexible: false)
            let value = try decodeV0(&body, version) { (b: inout ByteBuffer) throws(KafkaProtocolError) in try ConsumerGroupTargetAssignmentMemberValue.decode(from: &b) }
            return .record(.consumerGroupTargetAssignmentMember(group: group, member: member, value))
        case CoordinatorRecordType.consumerGroupCurrentMemberAssignment:
            let group = try key.readKafkaString(flexible: false)
            let member = try key.readKafkaString(flexible: false)
            let value = try decodeV0(&body, version) { (b: inout ByteBuffer) throws(KafkaProtocolError) in try ConsumerGroupCurrentMemberAssignmentValue.decode(from: &b) }
            return .record(.consumerGroupCurrentMemberAssignment(group: group, member: member, value))
        default:
            return .unhandled(type: type)
        }
    }

    /// The KIP-848 values have only version 0 (later versions only add tagged fields, which
    /// version 0 readers skip, so any version decodes with the same reader).
    private static func decodeV0<T>(
        _ body: inout ByteBuffer?, _ version: Int16, _ read: (inout ByteBuffer) throws(KafkaProtocolError) -> T
    ) throws(KafkaProtocolError) -> T? {
        guard var bytes = body else { return nil }
        guard version >= 0 else { throw .invalid("negative coordinator record value version \(version)") }
        return try read(&bytes)
    }

    /// The longest string a key or value can hold: strings carry an int16 length.
    public static let maxStringBytes = Int(Int16.max)
}

import NIOCore

/// The "consumer" embedded protocol that classic consumer groups carry in JoinGroup metadata and
/// SyncGroup assignments: an int16 version, then a ConsumerProtocolSubscription or
/// ConsumerProtocolAssignment of that version. Every later version extends version 0, so
/// readers that only need topics and partitions read the version-0 prefix of any version, as
/// Kafka's coordinator does; bytes after it are ignored.
public enum ConsumerProtocolCodec {
    /// The protocol type consumer groups use in JoinGroup.
    public static let protocolType = "consumer"

    /// The subscription's topics (and the rest of version 0); nil when the bytes do not decode.
    public static func subscription(_ bytes: ByteBuffer) -> ConsumerProtocolSubscription? {
        var buffer = bytes
        guard let version = buffer.readInteger(as: Int16.self), version >= 0 else { return nil }
        return try? ConsumerProtocolSubscription(from: &buffer, version: 0)
    }

    /// The assigned partitions by topic; nil when the bytes do not decode. Empty bytes (a member
    /// the leader left out) decode as no partitions.
    public static func assignment(_ bytes: ByteBuffer) -> [String: [Int32]]? {
        if bytes.readableBytes == 0 { return [:] }
        var buffer = bytes
        guard let version = buffer.readInteger(as: Int16.self), version >= 0,
              let decoded = try? ConsumerProtocolAssignment(from: &buffer, version: 0)
        else { return nil }
        var out: [String: [Int32]] = [:]
        for topic in decoded.assignedPartitions { out[topic.topic, default: []].append(contentsOf: topic.partitions) }
        return out
    }

    /// A version-0 assignment, as the broker needs to hand out (and tests to build).
    public static func encodeAssignment(_ partitions: [String: [Int32]], version: Int16 = 0) -> ByteBuffer {
        let assignment = ConsumerProtocolAssignment(assignedPartitions: partitions.keys.sorted().map {
            ConsumerProtocolAssignment.TopicPartition(topic: $0, partitions: partitions[$0] ?? [])
        })
        var writer = MessageWriter(buffer: ByteBuffer())
        writer.buffer.writeInteger(version)
        assignment.encode(to: &writer, version: version)
        return writer.buffer
    }

    /// A subscription of the given version, for tests and tools.
    public static func encodeSubscription(_ topics: [String], version: Int16 = 0) -> ByteBuffer {
        var writer = MessageWriter(buffer: ByteBuffer())
        writer.buffer.writeInteger(version)
        ConsumerProtocolSubscription(topics: topics).encode(to: &writer, version: version)
        return writer.buffer
    }
}

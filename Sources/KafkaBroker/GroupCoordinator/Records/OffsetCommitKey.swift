import KafkaProtocol
import NIOCore

/// The key of an offset commit record in `__consumer_offsets`: which group committed which
/// partition. Kafka's OffsetCommitKey (group-coordinator/.../message/OffsetCommitKey.json);
/// record types 0 and 1 share this layout, and Kafka writes type 1.
public struct OffsetCommitKey: Sendable, Hashable {
    public var group: String
    public var topic: String
    public var partition: Int32

    public init(group: String, topic: String, partition: Int32) {
        self.group = group
        self.topic = topic
        self.partition = partition
    }

    /// The record type Kafka writes for offset commits (the key's version prefix).
    public static let recordType: Int16 = 1

    /// The struct after the version prefix: group and topic as int16-length strings, then the partition.
    func encode(to buffer: inout ByteBuffer) {
        buffer.writeKafkaString(group, flexible: false)
        buffer.writeKafkaString(topic, flexible: false)
        buffer.writeInteger(partition)
    }

    static func decode(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> OffsetCommitKey {
        let group = try buffer.readKafkaString(flexible: false)
        let topic = try buffer.readKafkaString(flexible: false)
        let partition = try buffer.readKafkaInteger(as: Int32.self)
        return OffsetCommitKey(group: group, topic: topic, partition: partition)
    }
}

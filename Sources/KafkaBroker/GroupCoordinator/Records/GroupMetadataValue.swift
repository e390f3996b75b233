import KafkaProtocol
import NIOCore

/// The value of a classic group's metadata record (key type 2, GroupMetadataKey = the group id):
/// Kafka's GroupMetadataValue, versions 0-4.
///
/// | version | adds |
/// |---|---|
/// | 1 | member rebalanceTimeout |
/// | 2 | currentStateTimestamp |
/// | 3 | member groupInstanceId |
/// | 4 | flexible (compact strings, tagged fields) |
///
/// Kafka writes version 3 (the highest non-flexible one); so does Petrel. All five are read.
public struct GroupMetadataValue: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        /// -1 in records older than version 1 (then the session timeout stands in).
        public var rebalanceTimeoutMs: Int32
        public var sessionTimeoutMs: Int32
        /// The member's metadata for the group's protocol.
        public var subscription: ByteBuffer
        /// Empty when the leader has not assigned yet.
        public var assignment: ByteBuffer

        public init(
            memberId: String, groupInstanceId: String?, clientId: String, clientHost: String, rebalanceTimeoutMs: Int32,
            sessionTimeoutMs: Int32, subscription: ByteBuffer, assignment: ByteBuffer
        ) {
            self.memberId = memberId
            self.groupInstanceId = groupInstanceId
            self.clientId = clientId
            self.clientHost = clientHost
            self.rebalanceTimeoutMs = rebalanceTimeoutMs
            self.sessionTimeoutMs = sessionTimeoutMs
            self.subscription = subscription
            self.assignment = assignment
        }
    }

    /// "" for a group without one.
    public var protocolType: String
    public var generation: Int32
    public var protocolName: String?
    public var leader: String?
    /// When the group entered its current state; -1 when unknown.
    public var currentStateTimestamp: Int64
    public var members: [Member]

    public init(
        protocolType: String, generation: Int32, protocolName: String?, leader: String?, currentStateTimestamp: Int64,
        members: [Member]
    ) {
        self.protocolType = protocolType
        self.generation = generation
        self.protocolName = protocolName
        self.leader = leader
        self.currentStateTimestamp = currentStateTimestamp
        self.members = members
    }

    public static let highestVersion: Int16 = 4
    /// What Kafka writes (MetadataVersion.groupMetadataValueVersion).
    public static let writtenVersion: Int16 = 3

    func encode(to buffer: inout ByteBuffer, version: Int16) {
        let flexible = version >= 4
        buffer.writeKafkaString(protocolType, flexible: flexible)
        buffer.writeInteger(generation)
        buffer.writeKafkaString(protocolName, flexible: flexible)
        buffer.writeKafkaString(leader, flexible: flexible)
        if version >= 2 { buffer.writeInteger(currentStateTimestamp) }
        buffer.writeKafkaArrayCount(members.count, flexible: flexible)
        for member in members {
            buffer.writeKafkaString(member.memberId, flexible: flexible)
            if version >= 3 { buffer.writeKafkaString(member.groupInstanceId, flexible: flexible) }
            buffer.writeKafkaString(member.clientId, flexible: flexible)
            buffer.writeKafkaString(member.clientHost, flexible: flexible)
            if version >= 1 { buffer.writeInteger(member.rebalanceTimeoutMs) }
            buffer.writeInteger(member.sessionTimeoutMs)
            buffer.writeKafkaBytes(member.subscription, flexible: flexible)
            buffer.writeKafkaBytes(member.assignment, flexible: flexible)
            if flexible { buffer.writeUnsignedVarint(0) }
        }
        if flexible { buffer.writeUnsignedVarint(0) }
    }

    /// Reads one version; unknown tagged fields are skipped, as Kafka's readers do.
    static func decode(from buffer: inout ByteBuffer, version: Int16) throws(KafkaProtocolError) -> GroupMetadataValue {
        guard (0...highestVersion).contains(version) else {
            throw .invalid("unsupported GroupMetadataValue version \(version)")
        }
        let flexible = version >= 4
        let protocolType = try buffer.readKafkaString(flexible: flexible)
        let generation = try buffer.readKafkaInteger(as: Int32.self)
        let protocolName = try buffer.readKafkaNullableString(flexible: flexible)
        let leader = try buffer.readKafkaNullableString(flexible: flexible)
        let timestamp = version >= 2 ? try buffer.readKafkaInteger(as: Int64.self) : -1
        let members = try buffer.readKafkaArray(flexible: flexible) { (b: inout ByteBuffer) throws(KafkaProtocolError) -> Member in
            let memberId = try b.readKafkaString(flexible: flexible)
            let instance = version >= 3 ? try b.readKafkaNullableString(flexible: flexible) : nil
            let clientId = try b.readKafkaString(flexible: flexible)
            let clientHost = try b.readKafkaString(flexible: flexible)
            let rebalance = version >= 1 ? try b.readKafkaInteger(as: Int32.self) : -1
            let session = try b.readKafkaInteger(as: Int32.self)
            let subscription = try b.readKafkaBytes(flexible: flexible)
            let assignment = try b.readKafkaBytes(flexible: flexible)
            if flexible { try b.readKafkaTaggedFields { _, _ in } }
            return Member(
                memberId: memberId, groupInstanceId: instance, clientId: clientId, clientHost: clientHost,
                rebalanceTimeoutMs: rebalance, sessionTimeoutMs: session, subscription: subscription, assignment: assignment)
        }
        if flexible { try buffer.readKafkaTaggedFields { _, _ in } }
        return GroupMetadataValue(
            protocolType: protocolType, generation: generation, protocolName: protocolName, leader: leader,
            currentStateTimestamp: timestamp, members: members)
    }
}

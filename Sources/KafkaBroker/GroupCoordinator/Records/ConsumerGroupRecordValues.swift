import KafkaProtocol
import NIOCore

// The values of the KIP-848 consumer group records (key types 3-8). Each is Kafka's version 0,
// flexible: compact strings and arrays, a tagged-field section after every struct. Tagged
// fields Petrel does not know (such as ClassicMemberMetadata, tag 0 of the member metadata)
// are skipped on reading, as Kafka's readers do; Petrel never writes them.

/// Partitions by topic id, as the records list them (sorted for stable bytes).
public typealias TopicPartitionAssignment = [KafkaUUID: Set<Int32>]

/// ConsumerGroupMetadataValue (type 3): the group epoch.
public struct ConsumerGroupMetadataValue: Sendable, Hashable {
    public var epoch: Int32
    public init(epoch: Int32) { self.epoch = epoch }

    func encode(to buffer: inout ByteBuffer) {
        buffer.writeInteger(epoch)
        buffer.writeUnsignedVarint(0)
    }

    static func decode(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Self {
        let epoch = try buffer.readKafkaInteger(as: Int32.self)
        try buffer.readKafkaTaggedFields { _, _ in }
        return Self(epoch: epoch)
    }
}

/// ConsumerGroupPartitionMetadataValue (type 4): the subscribed topics as the group last saw them.
public struct ConsumerGroupPartitionMetadataValue: Sendable, Hashable {
    public struct Topic: Sendable, Hashable {
        public var topicId: KafkaUUID
        public var topicName: String
        public var numPartitions: Int32
        public init(topicId: KafkaUUID, topicName: String, numPartitions: Int32) {
            self.topicId = topicId
            self.topicName = topicName
            self.numPartitions = numPartitions
        }
    }

    public var topics: [Topic]
    public init(topics: [Topic]) { self.topics = topics }

    func encode(to buffer: inout ByteBuffer) {
        buffer.writeKafkaArrayCount(topics.count, flexible: true)
        for topic in topics {
            buffer.writeKafkaUUID(topic.topicId)
            buffer.writeKafkaString(topic.topicName, flexible: true)
            buffer.writeInteger(topic.numPartitions)
            // PartitionMetadata (racks): Kafka stores an empty list when racks are unknown.
            buffer.writeKafkaArrayCount(0, flexible: true)
            buffer.writeUnsignedVarint(0)
        }
        buffer.writeUnsignedVarint(0)
    }

    static func decode(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Self {
        let topics = try buffer.readKafkaArray(flexible: true) { (b: inout ByteBuffer) throws(KafkaProtocolError) -> Topic in
            let id = try b.readKafkaUUID()
            let name = try b.readKafkaString(flexible: true)
            let count = try b.readKafkaInteger(as: Int32.self)
            _ = try b.readKafkaArray(flexible: true) { (p: inout ByteBuffer) throws(KafkaProtocolError) -> Void in
                _ = try p.readKafkaInteger(as: Int32.self)
                _ = try p.readKafkaArray(flexible: true) { (r: inout ByteBuffer) throws(KafkaProtocolError) -> String in
                    try r.readKafkaString(flexible: true)
                }
                try p.readKafkaTaggedFields { _, _ in }
            }
            try b.readKafkaTaggedFields { _, _ in }
            return Topic(topicId: id, topicName: name, numPartitions: count)
        }
        try buffer.readKafkaTaggedFields { _, _ in }
        return Self(topics: topics)
    }
}

/// ConsumerGroupMemberMetadataValue (type 5): what a member subscribed with.
public struct ConsumerGroupMemberMetadataValue: Sendable, Hashable {
    public var instanceId: String?
    public var rackId: String?
    public var clientId: String
    public var clientHost: String
    public var subscribedTopicNames: [String]
    public var subscribedTopicRegex: String?
    public var rebalanceTimeoutMs: Int32
    public var serverAssignor: String?

    public init(
        instanceId: String?, rackId: String?, clientId: String, clientHost: String, subscribedTopicNames: [String],
        subscribedTopicRegex: String?, rebalanceTimeoutMs: Int32, serverAssignor: String?
    ) {
        self.instanceId = instanceId
        self.rackId = rackId
        self.clientId = clientId
        self.clientHost = clientHost
        self.subscribedTopicNames = subscribedTopicNames
        self.subscribedTopicRegex = subscribedTopicRegex
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.serverAssignor = serverAssignor
    }

    func encode(to buffer: inout ByteBuffer) {
        buffer.writeKafkaString(instanceId, flexible: true)
        buffer.writeKafkaString(rackId, flexible: true)
        buffer.writeKafkaString(clientId, flexible: true)
        buffer.writeKafkaString(clientHost, flexible: true)
        buffer.writeKafkaArrayCount(subscribedTopicNames.count, flexible: true)
        for name in subscribedTopicNames { buffer.writeKafkaString(name, flexible: true) }
        buffer.writeKafkaString(subscribedTopicRegex, flexible: true)
        buffer.writeInteger(rebalanceTimeoutMs)
        buffer.writeKafkaString(serverAssignor, flexible: true)
        buffer.writeUnsignedVarint(0)
    }

    static func decode(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Self {
        let instance = try buffer.readKafkaNullableString(flexible: true)
        let rack = try buffer.readKafkaNullableString(flexible: true)
        let clientId = try buffer.readKafkaString(flexible: true)
        let clientHost = try buffer.readKafkaString(flexible: true)
        let names = try buffer.readKafkaArray(flexible: true) { (b: inout ByteBuffer) throws(KafkaProtocolError) -> String in
            try b.readKafkaString(flexible: true)
        }
        let regex = try buffer.readKafkaNullableString(flexible: true)
        let rebalance = try buffer.readKafkaInteger(as: Int32.self)
        let assignor = try buffer.readKafkaNullableString(flexible: true)
        try buffer.readKafkaTaggedFields { _, _ in }
        return Self(
            instanceId: instance, rackId: rack, clientId: clientId, clientHost: clientHost, subscribedTopicNames: names,
            subscribedTopicRegex: regex, rebalanceTimeoutMs: rebalance, serverAssignor: assignor)
    }
}

/// ConsumerGroupTargetAssignmentMetadataValue (type 6): the epoch of the target assignment.
public struct ConsumerGroupTargetAssignmentMetadataValue: Sendable, Hashable {
    public var assignmentEpoch: Int32
    public init(assignmentEpoch: Int32) { self.assignmentEpoch = assignmentEpoch }

    func encode(to buffer: inout ByteBuffer) {
        buffer.writeInteger(assignmentEpoch)
        buffer.writeUnsignedVarint(0)
    }

    static func decode(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Self {
        let epoch = try buffer.readKafkaInteger(as: Int32.self)
        try buffer.readKafkaTaggedFields { _, _ in }
        return Self(assignmentEpoch: epoch)
    }
}

/// ConsumerGroupTargetAssignmentMemberValue (type 7): one member's target partitions.
public struct ConsumerGroupTargetAssignmentMemberValue: Sendable, Hashable {
    public var partitions: TopicPartitionAssignment
    public init(partitions: TopicPartitionAssignment) { self.partitions = partitions }

    func encode(to buffer: inout ByteBuffer) {
        TopicPartitionsCodec.write(partitions, to: &buffer)
        buffer.writeUnsignedVarint(0)
    }

    static func decode(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Self {
        let partitions = try TopicPartitionsCodec.read(from: &buffer)
        try buffer.readKafkaTaggedFields { _, _ in }
        return Self(partitions: partitions)
    }
}

/// ConsumerGroupCurrentMemberAssignmentValue (type 8): a member's epochs, reconciliation state,
/// and the partitions it owns or must give up.
public struct ConsumerGroupCurrentMemberAssignmentValue: Sendable, Hashable {
    public var memberEpoch: Int32
    public var previousMemberEpoch: Int32
    /// MemberState's value: 0 unrevoked partitions, 1 unreleased partitions, 2 stable, 127 unknown.
    public var state: Int8
    public var assignedPartitions: TopicPartitionAssignment
    public var partitionsPendingRevocation: TopicPartitionAssignment

    public init(
        memberEpoch: Int32, previousMemberEpoch: Int32, state: Int8, assignedPartitions: TopicPartitionAssignment,
        partitionsPendingRevocation: TopicPartitionAssignment
    ) {
        self.memberEpoch = memberEpoch
        self.previousMemberEpoch = previousMemberEpoch
        self.state = state
        self.assignedPartitions = assignedPartitions
        self.partitionsPendingRevocation = partitionsPendingRevocation
    }

    func encode(to buffer: inout ByteBuffer) {
        buffer.writeInteger(memberEpoch)
        buffer.writeInteger(previousMemberEpoch)
        buffer.writeInteger(state)
        TopicPartitionsCodec.write(assignedPartitions, to: &buffer)
        TopicPartitionsCodec.write(partitionsPendingRevocation, to: &buffer)
        buffer.writeUnsignedVarint(0)
    }

    static func decode(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> Self {
        let epoch = try buffer.readKafkaInteger(as: Int32.self)
        let previous = try buffer.readKafkaInteger(as: Int32.self)
        let state = try buffer.readKafkaInteger(as: Int8.self)
        let assigned = try TopicPartitionsCodec.read(from: &buffer)
        let revoking = try TopicPartitionsCodec.read(from: &buffer)
        try buffer.readKafkaTaggedFields { _, _ in }
        return Self(
            memberEpoch: epoch, previousMemberEpoch: previous, state: state, assignedPartitions: assigned,
            partitionsPendingRevocation: revoking)
    }
}

/// The `[]TopicPartitions` struct the assignment records share: topic id, then its partitions.
enum TopicPartitionsCodec {
    static func write(_ assignment: TopicPartitionAssignment, to buffer: inout ByteBuffer) {
        let topics = assignment.keys.sorted { ($0.high, $0.low) < ($1.high, $1.low) }
        buffer.writeKafkaArrayCount(topics.count, flexible: true)
        for topic in topics {
            buffer.writeKafkaUUID(topic)
            let partitions = (assignment[topic] ?? []).sorted()
            buffer.writeKafkaArrayCount(partitions.count, flexible: true)
            for partition in partitions { buffer.writeInteger(partition) }
            buffer.writeUnsignedVarint(0)
        }
    }

    static func read(from buffer: inout ByteBuffer) throws(KafkaProtocolError) -> TopicPartitionAssignment {
        var out: TopicPartitionAssignment = [:]
        let entries = try buffer.readKafkaArray(flexible: true) { (b: inout ByteBuffer) throws(KafkaProtocolError) -> (KafkaUUID, [Int32]) in
            let id = try b.readKafkaUUID()
            let partitions = try b.readKafkaArray(flexible: true) { (p: inout ByteBuffer) throws(KafkaProtocolError) -> Int32 in
                try p.readKafkaInteger(as: Int32.self)
            }
            try b.readKafkaTaggedFields { _, _ in }
            return (id, partitions)
        }
        for (id, partitions) in entries where !partitions.isEmpty {
            out[id, default: []].formUnion(partitions)
        }
        return out
    }
}

import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// Group records (types 2-8) in Kafka's byte layout.
@Suite struct GroupMetadataRecordCodecTests {
    static let member = GroupMetadataValue.Member(
        memberId: "m-1", groupInstanceId: "i", clientId: "c", clientHost: "/h", rebalanceTimeoutMs: 300_000,
        sessionTimeoutMs: 10_000, subscription: ByteBuffer(bytes: [1, 2]), assignment: ByteBuffer(bytes: [3]))
    static let value = GroupMetadataValue(
        protocolType: "consumer", generation: 7, protocolName: "range", leader: "m-1", currentStateTimestamp: 99, members: [member])

    @Test func groupMetadataIsWrittenAsVersionThreeInKafkasLayout() throws {
        let record = CoordinatorRecord.groupMetadata(group: "g", Self.value)
        #expect(Array(CoordinatorRecordSerde.encodeKey(record).readableBytesView) == [0, 2, 0, 1, 0x67])
        let bytes = try #require(CoordinatorRecordSerde.encodeValue(record))
        var expected = ByteBuffer()
        expected.writeInteger(Int16(3))
        expected.writeInteger(Int16(8)); expected.writeString("consumer")
        expected.writeInteger(Int32(7))
        expected.writeInteger(Int16(5)); expected.writeString("range")
        expected.writeInteger(Int16(3)); expected.writeString("m-1")
        expected.writeInteger(Int64(99))
        expected.writeInteger(Int32(1))
        expected.writeInteger(Int16(3)); expected.writeString("m-1")
        expected.writeInteger(Int16(1)); expected.writeString("i")
        expected.writeInteger(Int16(1)); expected.writeString("c")
        expected.writeInteger(Int16(2)); expected.writeString("/h")
        expected.writeInteger(Int32(300_000))
        expected.writeInteger(Int32(10_000))
        expected.writeInteger(Int32(2)); expected.writeBytes([1, 2])
        expected.writeInteger(Int32(1)); expected.writeBytes([3])
        #expect(bytes == expected)
        let decoded = try CoordinatorRecordSerde.decode(key: CoordinatorRecordSerde.encodeKey(record), value: bytes)
        #expect(decoded == .record(record))
    }

    @Test(arguments: Int16(0)...4)
    func everyGroupMetadataVersionDecodes(_ version: Int16) throws {
        var bytes = ByteBuffer()
        bytes.writeInteger(version)
        Self.value.encode(to: &bytes, version: version)
        let key = CoordinatorRecordSerde.encodeKey(.groupMetadata(group: "g", nil))
        guard case .record(.groupMetadata(_, let decoded?)) = try CoordinatorRecordSerde.decode(key: key, value: bytes) else {
            Issue.record("version \(version) did not decode")
            return
        }
        #expect(decoded.generation == 7 && decoded.protocolName == "range" && decoded.members.first?.assignment == ByteBuffer(bytes: [3]))
        // Fields a version lacks come back as Kafka's defaults.
        #expect(decoded.currentStateTimestamp == (version >= 2 ? 99 : -1))
        #expect(decoded.members.first?.rebalanceTimeoutMs == (version >= 1 ? 300_000 : -1))
        #expect(decoded.members.first?.groupInstanceId == (version >= 3 ? "i" : nil))
    }

    @Test func tombstonesHaveNoValue() throws {
        let record = CoordinatorRecord.groupMetadata(group: "g", nil)
        #expect(CoordinatorRecordSerde.encodeValue(record) == nil)
        #expect(try CoordinatorRecordSerde.decode(key: CoordinatorRecordSerde.encodeKey(record), value: nil) == .record(record))
    }

    @Test func consumerGroupRecordsRoundTrip() throws {
        let t = KafkaUUID(high: 0x0102, low: 0x0304)
        let records: [CoordinatorRecord] = [
            .consumerGroupMetadata(group: "g", ConsumerGroupMetadataValue(epoch: 4)),
            .consumerGroupPartitionMetadata(group: "g", ConsumerGroupPartitionMetadataValue(topics: [.init(topicId: t, topicName: "t", numPartitions: 3)])),
            .consumerGroupMemberMetadata(group: "g", member: "m", ConsumerGroupMemberMetadataValue(
                instanceId: nil, rackId: "r", clientId: "c", clientHost: "/h", subscribedTopicNames: ["a", "t"],
                subscribedTopicRegex: "x.*", rebalanceTimeoutMs: 30_000, serverAssignor: "range")),
            .consumerGroupTargetAssignmentMetadata(group: "g", ConsumerGroupTargetAssignmentMetadataValue(assignmentEpoch: 4)),
            .consumerGroupTargetAssignmentMember(group: "g", member: "m", ConsumerGroupTargetAssignmentMemberValue(partitions: [t: [2, 0]])),
            .consumerGroupCurrentMemberAssignment(group: "g", member: "m", ConsumerGroupCurrentMemberAssignmentValue(
                memberEpoch: 4, previousMemberEpoch: 3, state: 0, assignedPartitions: [t: [0]], partitionsPendingRevocation: [t: [2]])),
            .consumerGroupCurrentMemberAssignment(group: "g", member: "m", nil),
            .consumerGroupMetadata(group: "g", nil),
        ]
        for record in records {
            let key = CoordinatorRecordSerde.encodeKey(record)
            #expect(key.getInteger(at: key.readerIndex, as: Int16.self) == record.recordType)
            #expect(try CoordinatorRecordSerde.decode(key: key, value: CoordinatorRecordSerde.encodeValue(record)) == .record(record))
        }
    }

    /// ConsumerGroupCurrentMemberAssignmentValue v0: epochs, state, then two compact
    /// []TopicPartitions (uuid, compact []int32, tagged fields), then tagged fields.
    @Test func currentAssignmentBytes() throws {
        let t = KafkaUUID(high: 1, low: 2)
        let value = ConsumerGroupCurrentMemberAssignmentValue(
            memberEpoch: 5, previousMemberEpoch: 4, state: 2, assignedPartitions: [t: [1, 0]], partitionsPendingRevocation: [:])
        let bytes = try #require(CoordinatorRecordSerde.encodeValue(.consumerGroupCurrentMemberAssignment(group: "g", member: "m", value)))
        var expected = ByteBuffer()
        expected.writeInteger(Int16(0))
        expected.writeInteger(Int32(5))
        expected.writeInteger(Int32(4))
        expected.writeInteger(Int8(2))
        expected.writeInteger(UInt8(2))  // one topic
        expected.writeInteger(UInt64(1)); expected.writeInteger(UInt64(2))
        expected.writeInteger(UInt8(3))  // two partitions, sorted
        expected.writeInteger(Int32(0)); expected.writeInteger(Int32(1))
        expected.writeInteger(UInt8(0))
        expected.writeInteger(UInt8(1))  // no partitions pending revocation
        expected.writeInteger(UInt8(0))
        #expect(bytes == expected)
    }

    /// A member record with ClassicMemberMetadata (tag 0), which Kafka writes for classic members
    /// of consumer groups: the tagged field is skipped.
    @Test func unknownTaggedFieldsAreSkipped() throws {
        let value = ConsumerGroupMemberMetadataValue(
            instanceId: nil, rackId: nil, clientId: "c", clientHost: "h", subscribedTopicNames: ["t"], subscribedTopicRegex: nil,
            rebalanceTimeoutMs: 1, serverAssignor: nil)
        var bytes = try #require(CoordinatorRecordSerde.encodeValue(.consumerGroupMemberMetadata(group: "g", member: "m", value)))
        bytes.moveWriterIndex(to: bytes.writerIndex - 1)
        bytes.writeInteger(UInt8(1))  // one tagged field
        bytes.writeInteger(UInt8(0))  // tag 0
        bytes.writeInteger(UInt8(2))  // two bytes
        bytes.writeBytes([9, 9])
        let key = CoordinatorRecordSerde.encodeKey(.consumerGroupMemberMetadata(group: "g", member: "m", nil))
        #expect(try CoordinatorRecordSerde.decode(key: key, value: bytes) == .record(.consumerGroupMemberMetadata(group: "g", member: "m", value)))
    }
}

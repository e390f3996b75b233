import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

@Suite struct GroupRecordCodecTests {
    let key = OffsetCommitKey(group: "g", topic: "t", partition: 2)

    @Test func keyBytesMatchKafkaLayout() {
        let bytes = CoordinatorRecordSerde.encodeKey(.offsetCommit(key, nil))
        // int16 record type 1, then int16-length "g", int16-length "t", int32 partition.
        #expect(Array(bytes.readableBytesView) == [0, 1, 0, 1, 0x67, 0, 1, 0x74, 0, 0, 0, 2])
    }

    @Test func valueV3BytesMatchKafkaLayout() throws {
        let value = OffsetCommitValue(offset: 17, leaderEpoch: 4, metadata: "m", commitTimestamp: 1000)
        let bytes = try #require(CoordinatorRecordSerde.encodeValue(.offsetCommit(key, value)))
        var expected = ByteBuffer()
        expected.writeInteger(Int16(3))
        expected.writeInteger(Int64(17))
        expected.writeInteger(Int32(4))
        expected.writeInteger(Int16(1))
        expected.writeString("m")
        expected.writeInteger(Int64(1000))
        #expect(bytes == expected)
    }

    @Test func retentionTimeCommitsAreWrittenAsVersionOne() throws {
        let value = OffsetCommitValue(offset: 5, leaderEpoch: 9, metadata: "", commitTimestamp: 10, expireTimestamp: 99)
        let bytes = try #require(CoordinatorRecordSerde.encodeValue(.offsetCommit(key, value)))
        #expect(bytes.getInteger(at: bytes.readerIndex, as: Int16.self) == 1)
        let decoded = try CoordinatorRecordSerde.decode(key: CoordinatorRecordSerde.encodeKey(.offsetCommit(key, value)), value: bytes)
        // Version 1 has no leader epoch, as in Kafka.
        #expect(decoded == .record(.offsetCommit(key, OffsetCommitValue(offset: 5, metadata: "", commitTimestamp: 10, expireTimestamp: 99))))
    }

    @Test func recordsRoundTrip() throws {
        let records: [CoordinatorRecord] = [
            .offsetCommit(key, OffsetCommitValue(offset: 0, leaderEpoch: -1, metadata: "", commitTimestamp: 0)),
            .offsetCommit(key, OffsetCommitValue(offset: .max, leaderEpoch: 7, metadata: "état ✓", commitTimestamp: 1_700_000_000_000)),
            .offsetCommit(OffsetCommitKey(group: "", topic: "x", partition: 0), nil),
        ]
        for record in records {
            let decoded = try CoordinatorRecordSerde.decode(
                key: CoordinatorRecordSerde.encodeKey(record), value: CoordinatorRecordSerde.encodeValue(record))
            #expect(decoded == .record(record))
        }
    }

    @Test(arguments: Int16(0)...4)
    func everyValueVersionDecodes(_ version: Int16) throws {
        let value = OffsetCommitValue(offset: 42, leaderEpoch: 3, metadata: "meta", commitTimestamp: 77, expireTimestamp: 88)
        var buffer = ByteBuffer()
        buffer.writeInteger(version)
        value.encode(to: &buffer, version: version)
        var keyBytes = ByteBuffer()
        keyBytes.writeInteger(Int16(0))  // the legacy key type reads the same
        key.encode(to: &keyBytes)
        let decoded = try CoordinatorRecordSerde.decode(key: keyBytes, value: buffer)
        guard case .record(.offsetCommit(let k, let v?)) = decoded else {
            Issue.record("expected an offset commit, got \(decoded)")
            return
        }
        #expect(k == key)
        #expect(v.offset == 42 && v.metadata == "meta" && v.commitTimestamp == 77)
        #expect(v.leaderEpoch == (version >= 3 ? 3 : -1))
        #expect(v.expireTimestamp == (version == 1 ? 88 : nil))
    }

    @Test func flexibleVersionSkipsTaggedFields() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int16(4))
        buffer.writeInteger(Int64(8))
        buffer.writeInteger(Int32(1))
        buffer.writeUnsignedVarint(3)  // compact string "ab"
        buffer.writeString("ab")
        buffer.writeInteger(Int64(9))
        buffer.writeUnsignedVarint(1)  // one tagged field: tag 5, two bytes
        buffer.writeUnsignedVarint(5)
        buffer.writeUnsignedVarint(2)
        buffer.writeBytes([0xAA, 0xBB])
        let decoded = try CoordinatorRecordSerde.decode(key: CoordinatorRecordSerde.encodeKey(.offsetCommit(key, nil)), value: buffer)
        #expect(decoded == .record(.offsetCommit(key, OffsetCommitValue(offset: 8, leaderEpoch: 1, metadata: "ab", commitTimestamp: 9))))
    }

    @Test func otherRecordTypesAreReportedNotDecoded() throws {
        // Type 11 is a share group's metadata (KIP-932), which Petrel does not handle.
        var shareGroupKey = ByteBuffer()
        shareGroupKey.writeInteger(Int16(11))
        shareGroupKey.writeKafkaString("g", flexible: false)
        #expect(try CoordinatorRecordSerde.decode(key: shareGroupKey, value: nil) == .unhandled(type: 11))
    }

    @Test func truncatedRecordsThrow() {
        var shortKey = ByteBuffer()
        shortKey.writeInteger(Int16(1))
        shortKey.writeInteger(Int16(5))
        shortKey.writeString("ab")
        #expect(throws: KafkaProtocolError.self) { try CoordinatorRecordSerde.decode(key: shortKey, value: nil) }
        let goodKey = CoordinatorRecordSerde.encodeKey(.offsetCommit(key, nil))
        var shortValue = ByteBuffer()
        shortValue.writeInteger(Int16(3))
        shortValue.writeInteger(Int32(1))
        #expect(throws: KafkaProtocolError.self) { try CoordinatorRecordSerde.decode(key: goodKey, value: shortValue) }
        var badVersion = ByteBuffer()
        badVersion.writeInteger(Int16(9))
        badVersion.writeInteger(Int64(1))
        #expect(throws: KafkaProtocolError.self) { try CoordinatorRecordSerde.decode(key: goodKey, value: badVersion) }
    }
}

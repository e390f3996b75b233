import KafkaProtocol
import NIOCore
import Testing

@Suite struct RecordsRecordTests {
    /// One record body written by hand, so the parser is checked against the layout itself.
    static func record(
        attributes: Int8 = 0, timestampDelta: Int64 = 5, offsetDelta: Int32 = 0, keyLength: Int32? = nil,
        key: [UInt8]? = [0x6B], value: [UInt8]? = [0x76], headerCount: Int32? = nil,
        headers: [([UInt8], [UInt8]?)] = [], trailing: [UInt8] = [], lengthAdjust: Int32 = 0
    ) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeInteger(attributes)
        body.writeVarlong(timestampDelta)
        body.writeVarint(offsetDelta)
        body.writeVarint(keyLength ?? key.map { Int32($0.count) } ?? -1)
        if let key { body.writeBytes(key) }
        body.writeVarint(value.map { Int32($0.count) } ?? -1)
        if let value { body.writeBytes(value) }
        body.writeVarint(headerCount ?? Int32(headers.count))
        for (k, v) in headers {
            body.writeVarint(Int32(k.count))
            body.writeBytes(k)
            body.writeVarint(v.map { Int32($0.count) } ?? -1)
            if let v { body.writeBytes(v) }
        }
        body.writeBytes(trailing)
        var out = ByteBuffer()
        out.writeVarint(Int32(body.readableBytes) + lengthAdjust)
        out.writeImmutableBuffer(body)
        return out
    }

    @Test func readsFieldsAsSlices() throws {
        var buffer = Self.record(
            timestampDelta: -3, offsetDelta: 7, key: nil, value: Array("hello".utf8),
            headers: [(Array("a".utf8), Array("1".utf8)), (Array("b".utf8), nil)])
        let total = buffer.readableBytes
        let record = try Record.read(from: &buffer)
        #expect(buffer.readableBytes == 0)
        #expect(record.sizeInBytes == total)
        #expect(record.key == nil)
        #expect(RecordsTestHelpers.string(record.value) == "hello")
        #expect(record.timestampDelta == -3 && record.offsetDelta == 7)
        let headers = Array(record.headers)
        #expect(headers.map(\.keyString) == ["a", "b"])
        #expect(headers.map { RecordsTestHelpers.string($0.value) } == ["1", nil])
    }

    @Test func iteratesConsecutiveRecords() throws {
        var section = Self.record(offsetDelta: 0)
        section.writeImmutableBuffer(Self.record(offsetDelta: 1, key: Array("k2".utf8), value: nil))
        var iterator = RecordIterator(section)
        let firstNext = try iterator.next()
        let first = try #require(firstNext)
        let secondNext = try iterator.next()
        let second = try #require(secondNext)
        #expect(try iterator.next() == nil)
        #expect(first.offsetDelta == 0 && second.offsetDelta == 1)
        #expect(RecordsTestHelpers.string(second.key) == "k2" && second.value == nil)
    }

    @Test func emptyKeyIsNotNull() throws {
        var buffer = Self.record(key: [], value: [])
        let record = try Record.read(from: &buffer)
        #expect(record.key?.readableBytes == 0)
        #expect(record.value?.readableBytes == 0)
    }

    static let malformed: [(String, ByteBuffer)] = [
        ("length past the end", record(lengthAdjust: 1)),
        ("negative length", { var b = ByteBuffer(); b.writeVarint(-2); return b }()),
        ("bytes after headers", record(trailing: [0])),
        ("length short of the body", record(lengthAdjust: -1)),
        ("key length -2", record(keyLength: -2, key: nil)),
        ("key longer than record", record(keyLength: 50)),
        ("negative header count", record(headerCount: -1)),
        ("header count beyond bytes", record(headerCount: 1000)),
        ("missing header", record(headerCount: 1)),
        ("empty", ByteBuffer(bytes: [0x00])),
    ]

    @Test(arguments: 0..<malformed.count)
    func rejectsMalformed(index: Int) {
        var buffer = Self.malformed[index].1
        #expect(throws: KafkaProtocolError.self, "\(Self.malformed[index].0)") { try Record.read(from: &buffer) }
    }

    @Test func controlRecordTypeFromKey() throws {
        let marker = try RecordBatchBuilder.endTransactionMarker(
            .commit, producerId: 5, producerEpoch: 1, coordinatorEpoch: 9, timestamp: 100)
        var batches = RecordBatchIterator(marker)
        let viewNext = batches.next()
        let view = try #require(viewNext)
        #expect(view.header.isControl && view.header.isTransactional)
        #expect(view.header.producerId == 5 && view.header.baseSequence == -1)
        var records = try view.recordIterator(maxBytes: 1024)
        let recordNext = try records.next()
        let record = try #require(recordNext)
        #expect(record.controlType == .commit)
        let value = try #require(record.value)
        #expect(value.getInteger(at: value.readerIndex + 2, as: Int32.self) == 9)
    }
}

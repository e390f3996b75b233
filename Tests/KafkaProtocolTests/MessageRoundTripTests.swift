import KafkaProtocol
import NIOCore
import Testing

/// Every generated request and response round-trips at every valid version.
@Suite struct MessageRoundTripTests {
    static func roundTrip<T: KafkaMessage>(_ type: T.Type, _ value: T, version: Int16) throws -> T {
        var writer = MessageWriter()
        value.encode(to: &writer, version: version)
        var buffer = writer.buffer
        let decoded = try T(from: &buffer, version: version)
        #expect(buffer.readableBytes == 0, "\(T.self) v\(version) left \(buffer.readableBytes) bytes")
        return decoded
    }

    static func defaultsRoundTrip<T: KafkaMessage>(_ type: T.Type) throws -> Int {
        var checked = 0
        for version in T.validVersions {
            let value = T()
            let decoded = try roundTrip(T.self, value, version: version)
            #expect(decoded == value, "\(T.self) v\(version)")
            checked += 1
        }
        return checked
    }

    @Test func everyMessageAtEveryVersionWithDefaults() throws {
        var checked = 0
        for key in ApiKey.allCases {
            checked += try Self.defaultsRoundTrip(key.requestType)
            checked += try Self.defaultsRoundTrip(key.responseType)
        }
        #expect(checked > 500)
    }

    @Test func populatedProduceRequestRoundTripsAtEveryVersion() throws {
        var records = ByteBuffer()
        records.writeBytes([1, 2, 3, 4, 5])
        for version in ProduceRequest.validVersions {
            let request = ProduceRequest(
                transactionalId: version >= 3 ? "txn" : nil, acks: -1, timeoutMs: 30_000,
                topicData: [
                    .init(name: "orders", partitionData: [.init(index: 3, records: .bytes(records))])
                ])
            #expect(try Self.roundTrip(ProduceRequest.self, request, version: version) == request)
        }
    }

    @Test func taggedFieldsRoundTripAndUnknownOnesSurvive() throws {
        var response = FetchResponse(throttleTimeMs: 5, errorCode: 0, sessionId: 9)
        var partition = FetchResponse.PartitionData(partitionIndex: 1, highWatermark: 10)
        partition.currentLeader = .init(leaderId: 2, leaderEpoch: 7)
        partition.divergingEpoch = .init(epoch: 3, endOffset: 42)
        response.responses = [.init(topicId: KafkaUUID.random(), partitions: [partition])]
        response.unknownTaggedFields = [RawTaggedField(tag: 99, data: ByteBuffer(bytes: [7, 7]))]
        for version in Int16(13)...FetchResponse.validVersions.upperBound {  // topic ids from v13
            #expect(try Self.roundTrip(FetchResponse.self, response, version: version) == response)
        }
    }

    @Test func truncatedInputFailsWithAnErrorNotACrash() throws {
        var writer = MessageWriter()
        MetadataRequest(topics: [.init(name: "a")]).encode(to: &writer, version: 12)
        let full = writer.buffer
        for cut in 0..<full.readableBytes {
            var partial = full.getSlice(at: 0, length: cut) ?? ByteBuffer()
            #expect(throws: KafkaProtocolError.self) { _ = try MetadataRequest(from: &partial, version: 12) }
        }
    }

    @Test func hugeArrayCountIsRejectedBeforeAllocating() throws {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int32.max)  // topics array count, non-flexible v1
        #expect(throws: KafkaProtocolError.self) { _ = try MetadataRequest(from: &buffer, version: 1) }
    }
}


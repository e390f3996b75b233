import Foundation
import KafkaProtocol
import NIOCore
import Testing

@testable import KafkaBroker

/// Real client requests (captured in KafkaProtocolTests/Golden) through the config handlers, and
/// the responses encoded at the client's version and decoded back.
@Suite struct ConfigGoldenRequestTests {
    static let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("KafkaProtocolTests/Golden")

    /// The request body of a captured frame (the header is skipped).
    func body(_ file: String, headerBytes: Int) throws -> ByteBuffer {
        let data = try Data(contentsOf: Self.goldenDir.appendingPathComponent(file))
        var buffer = ByteBuffer(bytes: data)
        buffer.moveReaderIndex(forwardBy: headerBytes)
        return buffer
    }

    /// Encodes `response` the way the server does and decodes it back as a client would.
    func roundTrip<R: KafkaResponse>(_ response: R, key: ApiKey, version: Int16) throws -> R {
        let context = ConfigHandlerFixture.context(key, version: version)
        var frame = context.encode(response).buffer
        let size = frame.readInteger(as: Int32.self)
        #expect(size.map(Int.init) == frame.readableBytes)
        let correlationId = frame.readInteger(as: Int32.self)
        #expect(correlationId == context.correlationId)
        if key.responseHeaderVersion(version) >= 1 {
            let taggedFields = frame.readInteger(as: UInt8.self)
            #expect(taggedFields == 0)
        }
        let decoded = try R(from: &frame, version: version)
        #expect(frame.readableBytes == 0)
        return decoded
    }

    @Test func librdkafkaDescribeConfigsV1() throws {
        var buffer = try body("librdkafka-DescribeConfigs-v1-request.bin", headerBytes: 33)
        let request = try DescribeConfigsRequest(from: &buffer, version: 1)
        #expect(request.includeSynonyms)
        let f = try ConfigHandlerFixture(topics: ["golden": ["retention.ms": "123456789"]])
        let handled = f.describe.handle(request, context: ConfigHandlerFixture.context(.describeConfigs, version: 1))
        let response = try roundTrip(try ConfigHandlerFixture.response(handled), key: .describeConfigs, version: 1)
        let configs = try #require(response.results.first?.configs)
        let retention = try #require(configs.first { $0.name == "retention.ms" })
        #expect(retention.value == "123456789")
        #expect(retention.configSource == 1)
        #expect(retention.synonyms.first?.name == "retention.ms")
        #expect(configs.first { $0.name == "cleanup.policy" }?.value == "delete")
        // v1 has no config type on the wire, so it decodes as the default 0 (UNKNOWN).
        #expect(configs.allSatisfy { $0.configType == 0 })
    }

    @Test func kafkaPythonDescribeConfigsV4() throws {
        var buffer = try body("kafka-python-DescribeConfigs-v4-request.bin", headerBytes: 36)
        let request = try DescribeConfigsRequest(from: &buffer, version: 4)
        let f = try ConfigHandlerFixture(topics: ["golden": [:]])
        let handled = f.describe.handle(request, context: ConfigHandlerFixture.context(.describeConfigs, version: 4))
        let response = try roundTrip(try ConfigHandlerFixture.response(handled), key: .describeConfigs, version: 4)
        let configs = try #require(response.results.first?.configs)
        #expect(configs.count == TopicConfigDefinitions.all.count)
        #expect(configs.first { $0.name == "min.cleanable.dirty.ratio" }?.configType == ConfigType.double.rawValue)
        #expect(configs.allSatisfy { $0.synonyms.isEmpty })
    }

    @Test func librdkafkaIncrementalAlterConfigsV1() async throws {
        var buffer = try body("librdkafka-IncrementalAlterConfigs-v1-request.bin", headerBytes: 34)
        let request = try IncrementalAlterConfigsRequest(from: &buffer, version: 1)
        let f = try ConfigHandlerFixture(topics: ["golden": [:]])
        let handled = await f.incremental.handle(request, context: ConfigHandlerFixture.context(.incrementalAlterConfigs, version: 1))
        let response = try roundTrip(handled, key: .incrementalAlterConfigs, version: 1)
        #expect(response.responses.map(\.errorCode) == [0])
        #expect(response.responses.first?.resourceName == "golden")
        #expect(response.responses.first?.errorMessage == nil)
        #expect(f.store.configOverrides(topic: "golden") == ["retention.ms": "7777777"])
    }
}

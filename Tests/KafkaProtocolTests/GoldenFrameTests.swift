import Foundation
import KafkaProtocol
import NIOCore
import Testing

/// Frames captured from real clients (librdkafka, kafka-python, aiokafka, kcat) and librdkafka's
/// mock broker (Golden/capture.py). Each decodes with our codecs to the values the capture
/// recorded and re-encodes to the identical bytes.
@Suite struct GoldenFrameTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    struct Golden {
        var file: String
        var kind: String
        var apiKey: Int16
        var apiVersion: Int16
        var headerVersion: Int16
        var correlationId: Int32
        var clientId: String?
        var fields: [String: Any]
    }

    static func load() throws -> [Golden] {
        let data = try Data(contentsOf: directory.appendingPathComponent("golden.json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let frames = root["frames"] as? [[String: Any]]
        else { throw KafkaProtocolError("golden.json has no frames list") }
        return frames.compactMap { f in
            guard let file = f["file"] as? String, let kind = f["kind"] as? String, let key = f["api_key"] as? Int,
                let version = f["api_version"] as? Int, let hv = f["header_version"] as? Int,
                let cid = f["correlation_id"] as? Int
            else { return nil }
            return Golden(
                file: file, kind: kind, apiKey: Int16(key), apiVersion: Int16(version), headerVersion: Int16(hv),
                correlationId: Int32(cid), clientId: f["client_id"] as? String, fields: f["fields"] as? [String: Any] ?? [:])
        }
    }

    @Test func everyCapturedFrameDecodesAndReencodesIdentically() throws {
        let goldens = try Self.load()
        #expect(goldens.count >= 30)
        for golden in goldens {
            let bytes = try Data(contentsOf: Self.directory.appendingPathComponent(golden.file))
            var buffer = ByteBuffer(bytes: bytes)
            let key = try #require(ApiKey(rawValue: golden.apiKey), "\(golden.file)")
            let headerStart = buffer.readerIndex
            if golden.kind == "request" {
                let frame = try RequestFrame(frame: buffer)
                #expect(frame.header.correlationId == golden.correlationId, "\(golden.file)")
                #expect(frame.header.clientId == golden.clientId, "\(golden.file)")
                #expect(key.requestHeaderVersion(golden.apiVersion) == golden.headerVersion, "\(golden.file)")
                buffer = frame.body
                try checkBody(key.requestType, &buffer, golden: golden, original: bytes, headerBytes: bytes.count - frame.body.readableBytes)
            } else {
                let header = try ResponseHeader(from: &buffer, version: golden.headerVersion)
                #expect(header.correlationId == golden.correlationId, "\(golden.file)")
                #expect(key.responseHeaderVersion(golden.apiVersion) == golden.headerVersion, "\(golden.file)")
                try checkBody(key.responseType, &buffer, golden: golden, original: bytes, headerBytes: buffer.readerIndex - headerStart)
            }
        }
    }

    func checkBody<T: KafkaMessage>(_ type: T.Type, _ buffer: inout ByteBuffer, golden: Golden, original: Data, headerBytes: Int) throws {
        guard T.validVersions.contains(golden.apiVersion) else {
            // Newer than the schemas we generate from (Kafka 3.9); clients negotiate down to our max.
            print("GoldenFrameTests: \(golden.file) is v\(golden.apiVersion), beyond \(T.self) \(T.validVersions); skipped")
            return
        }
        let start = buffer.readerIndex
        let message = try T(from: &buffer, version: golden.apiVersion)
        let consumed = buffer.readerIndex - start
        // The mock's Metadata v13 response carries one stray trailing byte; real clients ignore it.
        #expect(buffer.readableBytes <= 1, "\(golden.file): \(buffer.readableBytes) bytes left")
        var writer = MessageWriter()
        message.encode(to: &writer, version: golden.apiVersion)
        let body = Array(original[headerBytes..<(headerBytes + consumed)])
        #expect(Array(writer.buffer.readableBytesView) == body, "\(golden.file) re-encodes differently")
        checkFields(message, golden: golden)
    }

    /// Spot checks against the values the capture decoded with kafka-python's classes.
    func checkFields(_ message: some KafkaMessage, golden: Golden) {
        let f = golden.fields
        switch message {
        case let produce as ProduceRequest:
            #expect(Int(produce.acks) == f["acks"] as? Int, "\(golden.file)")
            #expect(Int(produce.timeoutMs) == f["timeout_ms"] as? Int, "\(golden.file)")
            let topics = (f["topic_data"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(produce.topicData.map(\.name) == topics, "\(golden.file)")
            let sizes = (f["topic_data"] as? [[String: Any]])?.flatMap { t in
                (t["partition_data"] as? [[String: Any]] ?? []).compactMap { ($0["records"] as? [String: Any])?["bytes"] as? Int }
            }
            #expect(produce.topicData.flatMap { $0.partitionData.map { $0.records?.byteCount ?? -1 } } == sizes, "\(golden.file)")
        case let create as CreateTopicsRequest:
            let names = (f["topics"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(create.topics.map(\.name) == names, "\(golden.file)")
            let partitions = (f["topics"] as? [[String: Any]])?.compactMap { $0["num_partitions"] as? Int }
            #expect(create.topics.map { Int($0.numPartitions) } == partitions, "\(golden.file)")
        case let metadata as MetadataRequest:
            let names = (f["topics"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            if let names { #expect(metadata.topics?.compactMap(\.name) == names, "\(golden.file)") }
        case let versions as ApiVersionsResponse:
            #expect(Int(versions.errorCode) == f["error_code"] as? Int, "\(golden.file)")
            let keys = (f["api_keys"] as? [[String: Any]])?.count
            #expect(versions.apiKeys.count == keys, "\(golden.file)")
        default:
            break
        }
    }
}

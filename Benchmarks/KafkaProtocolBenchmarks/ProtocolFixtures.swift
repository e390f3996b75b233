import KafkaProtocol
import NIOCore

/// Inputs shaped like what librdkafka sends in the system benchmark: full batches (about 1 MB)
/// of JSON-like records, built once per benchmark.
enum ProtocolFixtures {
    /// One v2 batch of `count` records of `recordSize` bytes (no key), as a producer builds it.
    static func batch(recordSize: Int, count: Int, compression: CompressionCodec) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(compression: compression)
        let now = Int64(1_700_000_000_000)
        for i in 0..<count {
            builder.append(key: nil, value: ByteBuffer(bytes: record(recordSize, seed: i)), timestamp: now + Int64(i / 100))
        }
        return try builder.build()
    }

    /// A Produce v9 request frame (what KafkaFrameHandler hands the broker: no size prefix).
    static func produceFrame(batch: ByteBuffer, partitions: Int = 1, version: Int16 = 9) -> ByteBuffer {
        let request = ProduceRequest(
            acks: 1, timeoutMs: 30_000,
            topicData: [.init(name: "bench", partitionData: (0..<partitions).map { .init(index: Int32($0), records: .bytes(batch)) })])
        var writer = MessageWriter(capacity: batch.readableBytes * partitions + 256)
        let header = RequestHeader(requestApiKey: ProduceRequest.apiKey, requestApiVersion: version, correlationId: 7, clientId: "rdkafka")
        let sizeAt = writer.beginRequestFrame(header, headerVersion: ApiKey.produce.requestHeaderVersion(version))
        request.encode(to: &writer, version: version)
        writer.finishFrame(sizeAt: sizeAt)
        var frame = writer.buffer
        frame.moveReaderIndex(forwardBy: 4)
        return frame
    }

    private static let words = ["click", "view", "purchase", "signup", "search"]

    private static func record(_ size: Int, seed: Int) -> [UInt8] {
        var text = ""
        var n = seed
        while text.utf8.count < size {
            n = n &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            text += "{\"user\":\"u\(n & 0xFFFF)\",\"event\":\"\(words[(n >> 20) & 3])\",\"amount\":\((n >> 8) & 0xFFF)},"
        }
        return Array(text.utf8.prefix(size))
    }
}

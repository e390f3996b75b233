import Foundation
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import NIOEmbedded
import TestSupport

@testable import KafkaBroker

/// Broker services over a temp data dir, and request contexts on an embedded event loop, so
/// handlers are tested without sockets.
final class BrokerFixture {
    let dataDir: String
    let services: BrokerServices
    let loop = EmbeddedEventLoop()

    init(properties: [String: String] = [:]) throws {
        dataDir = try TempDirectory.make(prefix: "petrel-broker-test-")
        let config = try BrokerConfig(properties: properties)
        let resolver = TopicConfigResolver(broker: config)
        let options = Broker.Options(
            identity: BrokerIdentity(nodeId: 1, host: "127.0.0.1", port: 9092), listenHost: "127.0.0.1", listenPort: 0,
            dataDir: dataDir, topicDefaults: TopicDefaults(autoCreate: true, partitions: 1, replicationFactor: 1),
            configPolicy: resolver, logConfig: { resolver.logConfig(overrides: $0) })
        services = try BrokerServices(options: options, logger: Logger(label: "test"))
    }

    deinit {
        services.close()
        try? FileManager.default.removeItem(atPath: dataDir)
    }

    func context(_ key: ApiKey, version: Int16, zeroCopy: Bool = false) -> RequestContext {
        RequestContext(
            header: RequestHeader(requestApiKey: key.rawValue, requestApiVersion: version, correlationId: 1, clientId: "test"),
            apiKey: key, eventLoop: loop, allocator: ByteBufferAllocator(), clientAddress: "test", zeroCopy: zeroCopy,
            logger: Logger(label: "test"))
    }

    static func batch(_ values: [String], compression: CompressionCodec = .none, timestamp: Int64 = 1_700_000_000_000) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(compression: compression)
        for (i, v) in values.enumerated() { builder.append(key: "k\(i)", value: v, timestamp: timestamp + Int64(i)) }
        return try builder.build()
    }
}

extension HandlerResult {
    var immediate: Response? {
        if case .respond(let r) = self { return r }
        return nil
    }
}

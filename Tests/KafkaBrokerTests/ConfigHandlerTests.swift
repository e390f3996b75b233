import KafkaProtocol
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import KafkaBroker

/// Topic overrides in memory, standing in for TopicRegistry.
final class InMemoryConfigStore: TopicConfigStore {
    let topics: Mutex<[String: [String: String]]>
    init(_ topics: [String: [String: String]]) { self.topics = Mutex(topics) }
    func configOverrides(topic: String) -> [String: String]? { topics.withLock { $0[topic] } }
    func replaceConfigOverrides(topic: String, _ overrides: [String: String]) async throws(BrokerError) {
        try topics.withLock { (all: inout [String: [String: String]]) throws(BrokerError) in
            guard all[topic] != nil else { throw .unknownTopic(topic) }
            all[topic] = overrides
        }
    }
}

struct ConfigHandlerFixture {
    let store: InMemoryConfigStore
    let resolver: TopicConfigResolver
    let support: ConfigAlterSupport

    init(topics: [String: [String: String]] = ["orders": ["retention.ms": "123456789"]], broker: [String: String] = ["node.id": "1"]) throws {
        store = InMemoryConfigStore(topics)
        resolver = TopicConfigResolver(broker: try BrokerConfig(properties: broker))
        support = ConfigAlterSupport(store: store, resolver: resolver, nodeId: 1, lock: ConfigAlterLock())
    }

    var describe: DescribeConfigsHandler { DescribeConfigsHandler(topics: store, resolver: resolver, nodeId: 1) }
    var alter: AlterConfigsHandler { AlterConfigsHandler(support: support) }
    var incremental: IncrementalAlterConfigsHandler { IncrementalAlterConfigsHandler(support: support) }

    static func context(_ key: ApiKey, version: Int16) -> RequestContext {
        RequestContext(
            header: RequestHeader(requestApiKey: key.rawValue, requestApiVersion: version, correlationId: 1, clientId: "test"),
            apiKey: key, eventLoop: MultiThreadedEventLoopGroup.singleton.next(), allocator: ByteBufferAllocator(),
            clientAddress: "127.0.0.1:1", zeroCopy: false, logger: Logger(label: "config-tests"))
    }

    static func response<R>(_ result: HandlerResult<R>) throws -> R {
        guard case .respond(let response) = result else { throw TestFailure("expected an immediate response") }
        return response
    }

    func describe(_ resources: [DescribeConfigsRequest.DescribeConfigsResource], version: Int16 = 4, synonyms: Bool = false, docs: Bool = false) throws -> DescribeConfigsResponse {
        let request = DescribeConfigsRequest(resources: resources, includeSynonyms: synonyms, includeDocumentation: docs)
        return try Self.response(describe.handle(request, context: Self.context(.describeConfigs, version: version)))
    }

    func alter(_ resources: [AlterConfigsRequest.AlterConfigsResource], validateOnly: Bool = false, version: Int16 = 2) async -> AlterConfigsResponse {
        let request = AlterConfigsRequest(resources: resources, validateOnly: validateOnly)
        return await alter.handle(request, context: Self.context(.alterConfigs, version: version))
    }

    func incremental(_ resources: [IncrementalAlterConfigsRequest.AlterConfigsResource], validateOnly: Bool = false) async -> IncrementalAlterConfigsResponse {
        let request = IncrementalAlterConfigsRequest(resources: resources, validateOnly: validateOnly)
        return await incremental.handle(request, context: Self.context(.incrementalAlterConfigs, version: 1))
    }

    static func topic(_ name: String, set configs: [(String, Int8, String?)]) -> IncrementalAlterConfigsRequest.AlterConfigsResource {
        .init(resourceType: 2, resourceName: name, configs: configs.map { .init(name: $0.0, configOperation: $0.1, value: $0.2) })
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@Suite struct ConfigDescribeHandlerTests {
    @Test func describesEveryTopicKeyWithSourcesTypesAndNoSynonymsByDefault() throws {
        let f = try ConfigHandlerFixture()
        let response = try f.describe([.init(resourceType: 2, resourceName: "orders", configurationKeys: nil)])
        let result = try #require(response.results.first)
        #expect(result.errorCode == 0 && result.errorMessage == nil)
        #expect(result.resourceType == 2 && result.resourceName == "orders")
        #expect(result.configs.map(\.name) == TopicConfigDefinitions.all.map(\.name))
        let retention = try #require(result.configs.first { $0.name == "retention.ms" })
        #expect(retention.value == "123456789")
        #expect(retention.configSource == ConfigSource.dynamicTopicConfig.rawValue)
        #expect(retention.configType == ConfigType.long.rawValue)
        #expect(!retention.readOnly && !retention.isSensitive)
        #expect(retention.synonyms.isEmpty)
        #expect(retention.documentation == nil)
        let policy = try #require(result.configs.first { $0.name == "cleanup.policy" })
        #expect(policy.value == "delete")
        #expect(policy.configSource == ConfigSource.defaultConfig.rawValue)
        #expect(policy.configType == ConfigType.list.rawValue)
    }

    @Test func filtersKeysAndIncludesSynonymsAndDocumentation() throws {
        let f = try ConfigHandlerFixture(broker: ["node.id": "1", "log.retention.hours": "5"])
        let response = try f.describe(
            [.init(resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms", "segment.bytes", "nope"])],
            synonyms: true, docs: true)
        let configs = try #require(response.results.first?.configs)
        #expect(configs.map(\.name) == ["retention.ms", "segment.bytes"])
        #expect(configs[0].synonyms.map(\.name) == ["retention.ms", "log.retention.hours", "log.retention.hours"])
        #expect(configs[0].synonyms.map(\.source) == [1, 4, 5])
        #expect(configs[0].synonyms.map(\.value) == ["123456789", "5", "168"])
        #expect(configs[0].documentation == TopicConfigDefinitions.definition("retention.ms")?.documentation)
        #expect(configs[1].synonyms.map(\.source) == [5])
    }

    @Test func olderVersionsLeaveOutNewerFields() throws {
        let f = try ConfigHandlerFixture()
        let v0 = try f.describe([.init(resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms", "segment.ms"])], version: 0, synonyms: true, docs: true)
        let configs = try #require(v0.results.first?.configs)
        // v0 has IsDefault instead of a source, no synonyms and no documentation.
        #expect(configs.map(\.isDefault) == [false, true])
        #expect(configs.allSatisfy { $0.synonyms.isEmpty && $0.documentation == nil })

        let v2 = try f.describe([.init(resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms"])], version: 2, synonyms: true, docs: true)
        #expect(v2.results.first?.configs.first?.synonyms.count == 2)
        #expect(v2.results.first?.configs.first?.documentation == nil)
    }

    @Test func unknownAndInvalidTopicsGetKafkasErrors() throws {
        let f = try ConfigHandlerFixture()
        let response = try f.describe([
            .init(resourceType: 2, resourceName: "missing", configurationKeys: nil),
            .init(resourceType: 2, resourceName: "bad name!", configurationKeys: nil),
            .init(resourceType: 2, resourceName: "", configurationKeys: nil),
            .init(resourceType: 16, resourceName: "x", configurationKeys: nil),
            .init(resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms"]),
        ])
        #expect(response.results.map(\.errorCode) == [
            ErrorCode.unknownTopicOrPartition.rawValue, ErrorCode.invalidTopicException.rawValue,
            ErrorCode.invalidTopicException.rawValue, ErrorCode.invalidRequest.rawValue, 0,
        ])
        #expect(response.results[0].configs.isEmpty)
        #expect(response.results[0].errorMessage?.contains("missing") == true)
        #expect(response.results.map(\.resourceName) == ["missing", "bad name!", "", "x", "orders"])
    }

    @Test func brokerResourceByIdDefaultAndWrongId() throws {
        let f = try ConfigHandlerFixture(broker: ["node.id": "1", "num.partitions": "3", "log.retention.hours": "2", "secret.thing": "s3cr3t"])
        let response = try f.describe([
            .init(resourceType: 4, resourceName: "1", configurationKeys: nil),
            .init(resourceType: 4, resourceName: "", configurationKeys: nil),
            .init(resourceType: 4, resourceName: "2", configurationKeys: nil),
            .init(resourceType: 4, resourceName: "one", configurationKeys: nil),
        ], synonyms: true)
        let broker = response.results[0]
        #expect(broker.errorCode == 0)
        let partitions = try #require(broker.configs.first { $0.name == "num.partitions" })
        #expect(partitions.value == "3")
        #expect(partitions.configSource == ConfigSource.staticBrokerConfig.rawValue)
        #expect(partitions.readOnly)
        #expect(partitions.synonyms.map(\.source) == [4, 5])
        let segment = try #require(broker.configs.first { $0.name == "log.segment.bytes" })
        #expect(segment.value == "1073741824" && segment.configSource == ConfigSource.defaultConfig.rawValue)
        // Describing the hour form leaves out the higher-priority .ms and .minutes keys.
        let hours = try #require(broker.configs.first { $0.name == "log.retention.hours" })
        #expect(hours.synonyms.map(\.name) == ["log.retention.hours", "log.retention.hours"])
        let millis = try #require(broker.configs.first { $0.name == "log.retention.ms" })
        #expect(millis.value == nil && millis.configSource == ConfigSource.defaultConfig.rawValue)
        let unknown = try #require(broker.configs.first { $0.name == "secret.thing" })
        #expect(unknown.isSensitive && unknown.value == nil)
        #expect(response.results[1].errorCode == 0 && response.results[1].configs.isEmpty)
        #expect(response.results[2].errorCode == ErrorCode.invalidRequest.rawValue)
        #expect(response.results[3].errorCode == ErrorCode.invalidRequest.rawValue)
        #expect(response.results[3].errorMessage == "Broker id must be an integer, but it is: one")
    }
}

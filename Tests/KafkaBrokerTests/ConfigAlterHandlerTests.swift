import KafkaProtocol
import Testing

@testable import KafkaBroker

@Suite struct ConfigAlterHandlerTests {
    typealias Legacy = AlterConfigsRequest.AlterConfigsResource

    @Test func legacyAlterReplacesTheWholeOverrideSet() async throws {
        let f = try ConfigHandlerFixture(topics: ["orders": ["retention.ms": "1", "segment.ms": "2000"]])
        let response = await f.alter([Legacy(resourceType: 2, resourceName: "orders", configs: [.init(name: "retention.ms", value: "5555555")])])
        #expect(response.responses.map(\.errorCode) == [0])
        #expect(response.responses.first?.errorMessage == nil)
        #expect(f.store.configOverrides(topic: "orders") == ["retention.ms": "5555555"])
    }

    @Test func legacyValidateOnlyAndErrorsLeaveOverridesAlone() async throws {
        let f = try ConfigHandlerFixture()
        let before = f.store.configOverrides(topic: "orders")
        let checked = await f.alter([Legacy(resourceType: 2, resourceName: "orders", configs: [.init(name: "retention.ms", value: "1")])], validateOnly: true)
        #expect(checked.responses.map(\.errorCode) == [0])
        let refused = await f.alter([
            Legacy(resourceType: 2, resourceName: "orders", configs: [.init(name: "retention.ms", value: "soon")]),
            Legacy(resourceType: 2, resourceName: "orders2", configs: [.init(name: "retention.ms", value: "1")]),
            Legacy(resourceType: 2, resourceName: "orders3", configs: [.init(name: "retention.ms", value: nil)]),
            Legacy(resourceType: 2, resourceName: "orders4", configs: [.init(name: "a", value: "1"), .init(name: "a", value: "2")]),
        ])
        #expect(refused.responses.map(\.errorCode) == [
            ErrorCode.invalidConfig.rawValue, ErrorCode.unknownTopicOrPartition.rawValue,
            ErrorCode.invalidRequest.rawValue, ErrorCode.invalidRequest.rawValue,
        ])
        #expect(refused.responses[0].errorMessage == "Invalid value soon for configuration retention.ms: Not a number of type LONG")
        #expect(refused.responses[2].errorMessage == "Null value not supported for : retention.ms")
        #expect(f.store.configOverrides(topic: "orders") == before)
    }

    @Test func duplicateResourcesAreBothRefused() async throws {
        let f = try ConfigHandlerFixture()
        let resource = Legacy(resourceType: 2, resourceName: "orders", configs: [])
        let response = await f.alter([resource, resource, Legacy(resourceType: 4, resourceName: "1", configs: [])])
        #expect(response.responses.map(\.errorCode) == [ErrorCode.invalidRequest.rawValue, ErrorCode.invalidRequest.rawValue, 0])
        #expect(response.responses[0].errorMessage == "Each resource must appear at most once.")
    }

    @Test func brokerAltersAreRefusedWithInvalidRequest() async throws {
        let f = try ConfigHandlerFixture()
        let legacy = await f.alter([
            Legacy(resourceType: 4, resourceName: "1", configs: [.init(name: "log.retention.hours", value: "1")]),
            Legacy(resourceType: 4, resourceName: "", configs: [.init(name: "num.partitions", value: "2")]),
            Legacy(resourceType: 4, resourceName: "9", configs: []),
            Legacy(resourceType: 8, resourceName: "1", configs: []),
        ])
        #expect(legacy.responses.map(\.errorCode) == Array(repeating: ErrorCode.invalidRequest.rawValue, count: 4))
        #expect(legacy.responses[0].errorMessage?.contains("log.retention.hours") == true)
        #expect(legacy.responses[2].errorMessage == "Unexpected broker id, expected 1, but received 9")
        let incremental = await f.incremental([.init(resourceType: 4, resourceName: "1", configs: [.init(name: "num.partitions", configOperation: 0, value: "2")])])
        #expect(incremental.responses.map(\.errorCode) == [ErrorCode.invalidRequest.rawValue])
    }

    @Test func incrementalSetThenDeleteRevertsToTheDefault() async throws {
        let f = try ConfigHandlerFixture(topics: ["t": [:]])
        let set = await f.incremental([ConfigHandlerFixture.topic("t", set: [("retention.ms", 0, "7777777"), ("segment.ms", 0, "1000")])])
        #expect(set.responses.map(\.errorCode) == [0])
        #expect(f.store.configOverrides(topic: "t") == ["retention.ms": "7777777", "segment.ms": "1000"])
        let delete = await f.incremental([ConfigHandlerFixture.topic("t", set: [("retention.ms", 1, nil)])])
        #expect(delete.responses.map(\.errorCode) == [0])
        #expect(f.store.configOverrides(topic: "t") == ["segment.ms": "1000"])
        let described = try f.describe([.init(resourceType: 2, resourceName: "t", configurationKeys: ["retention.ms"])])
        #expect(described.results.first?.configs.first?.value == "604800000")
    }

    @Test func incrementalAppendAndSubtractWorkOnListsOnly() async throws {
        let f = try ConfigHandlerFixture(topics: ["t": [:]])
        let append = await f.incremental([ConfigHandlerFixture.topic("t", set: [("cleanup.policy", 2, "compact")])])
        #expect(append.responses.map(\.errorCode) == [0])
        // APPEND starts from the value in effect (the default "delete").
        #expect(f.store.configOverrides(topic: "t") == ["cleanup.policy": "delete,compact"])
        _ = await f.incremental([ConfigHandlerFixture.topic("t", set: [("cleanup.policy", 2, "compact")])])
        #expect(f.store.configOverrides(topic: "t") == ["cleanup.policy": "delete,compact"])
        _ = await f.incremental([ConfigHandlerFixture.topic("t", set: [("cleanup.policy", 3, "delete")])])
        #expect(f.store.configOverrides(topic: "t") == ["cleanup.policy": "compact"])

        let notList = await f.incremental([ConfigHandlerFixture.topic("t", set: [("retention.ms", 2, "5")])])
        #expect(notList.responses.first?.errorCode == ErrorCode.invalidConfig.rawValue)
        #expect(notList.responses.first?.errorMessage == "Can't APPEND to key retention.ms because its type is not LIST.")
        let badElement = await f.incremental([ConfigHandlerFixture.topic("t", set: [("cleanup.policy", 2, "bogus")])])
        #expect(badElement.responses.first?.errorCode == ErrorCode.invalidConfig.rawValue)
        #expect(badElement.responses.first?.errorMessage?.contains("cleanup.policy") == true)
        #expect(f.store.configOverrides(topic: "t") == ["cleanup.policy": "compact"])
    }

    @Test func incrementalErrorsMatchKafka() async throws {
        let f = try ConfigHandlerFixture(topics: ["t": ["retention.ms": "1000"]])
        let response = await f.incremental([
            ConfigHandlerFixture.topic("t", set: [("retention.ms", 0, "not-a-number")]),
            ConfigHandlerFixture.topic("t2", set: [("no.such.config", 0, "1")]),
            ConfigHandlerFixture.topic("missing", set: [("retention.ms", 0, "1000")]),
            ConfigHandlerFixture.topic("t3", set: [("retention.ms", 0, nil)]),
            ConfigHandlerFixture.topic("t4", set: [("retention.ms", 7, "1")]),
        ])
        #expect(response.responses.map(\.errorCode) == [
            ErrorCode.invalidConfig.rawValue, ErrorCode.invalidConfig.rawValue, ErrorCode.unknownTopicOrPartition.rawValue,
            ErrorCode.invalidRequest.rawValue, ErrorCode.invalidRequest.rawValue,
        ])
        #expect(response.responses[1].errorMessage == "Unknown topic config name: no.such.config")
        #expect(f.store.configOverrides(topic: "t") == ["retention.ms": "1000"])
    }

    @Test func incrementalValidateOnlyDoesNotStore() async throws {
        let f = try ConfigHandlerFixture(topics: ["t": [:]])
        let response = await f.incremental([ConfigHandlerFixture.topic("t", set: [("retention.ms", 0, "1")])], validateOnly: true)
        #expect(response.responses.map(\.errorCode) == [0])
        #expect(f.store.configOverrides(topic: "t") == [:])
    }

    @Test func registeredVersionsMatchKafka() throws {
        let f = try ConfigHandlerFixture()
        var registry = ApiRegistry()
        ConfigHandlers.register(in: &registry, store: f.store, nodeId: 1, resolver: f.resolver)
        let ranges = Dictionary(uniqueKeysWithValues: registry.supportedVersions.map { ($0.key, $0.range) })
        #expect(ranges == [32: 0...4, 33: 0...2, 44: 0...1])
    }
}

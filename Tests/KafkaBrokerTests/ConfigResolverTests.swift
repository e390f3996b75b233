import KafkaProtocol
import LogStorage
import Testing

@testable import KafkaBroker

@Suite struct ConfigResolverTests {
    func resolver(_ properties: [String: String] = [:]) throws -> TopicConfigResolver {
        TopicConfigResolver(broker: try BrokerConfig(properties: properties))
    }

    @Test func defaultOnlyKeyListsTheBrokerDefaultsAsSynonyms() throws {
        let resolved = try #require(try resolver().effectiveValue("retention.ms", overrides: [:]))
        #expect(resolved.value == "604800000")
        #expect(resolved.source == .defaultConfig)
        #expect(resolved.synonyms == [ConfigSynonym(name: "log.retention.hours", value: "168", source: .defaultConfig)])

        let segment = try #require(try resolver().effectiveValue("segment.bytes", overrides: [:]))
        #expect(segment.value == "1073741824")
        #expect(segment.synonyms == [ConfigSynonym(name: "log.segment.bytes", value: "1073741824", source: .defaultConfig)])

        let throttled = try #require(try resolver().effectiveValue("leader.replication.throttled.replicas", overrides: [:]))
        #expect(throttled.value == "")
        #expect(throttled.source == .defaultConfig)
        #expect(throttled.synonyms.isEmpty)
    }

    @Test func staticBrokerValueWinsOverDefaultWithUnitConversion() throws {
        let r = try resolver(["log.retention.hours": "1"])
        let resolved = try #require(r.effectiveValue("retention.ms", overrides: [:]))
        #expect(resolved.value == "3600000")
        #expect(resolved.source == .staticBrokerConfig)
        #expect(resolved.synonyms == [
            ConfigSynonym(name: "log.retention.hours", value: "1", source: .staticBrokerConfig),
            ConfigSynonym(name: "log.retention.hours", value: "168", source: .defaultConfig),
        ])
    }

    @Test func synonymsAreOverrideThenStaticInKafkaOrderThenDefaults() throws {
        let r = try resolver(["log.retention.hours": "2", "log.retention.ms": "5000", "log.retention.minutes": "3"])
        let resolved = try #require(r.effectiveValue("retention.ms", overrides: ["retention.ms": "+123"]))
        #expect(resolved.value == "123")
        #expect(resolved.source == .dynamicTopicConfig)
        #expect(resolved.synonyms.map(\.name) == [
            "retention.ms", "log.retention.ms", "log.retention.minutes", "log.retention.hours", "log.retention.hours",
        ])
        #expect(resolved.synonyms.map(\.source) == [
            .dynamicTopicConfig, .staticBrokerConfig, .staticBrokerConfig, .staticBrokerConfig, .defaultConfig,
        ])
        #expect(resolved.synonyms.first?.value == "123")

        let withoutOverride = try #require(r.effectiveValue("retention.ms", overrides: [:]))
        #expect(withoutOverride.value == "5000")
        #expect(withoutOverride.source == .staticBrokerConfig)
    }

    @Test func brokerKeyWithDifferentNameSuppliesTheDefault() throws {
        let r = try resolver(["message.max.bytes": "2000000", "log.cleanup.policy": "compact"])
        #expect(r.effectiveValue("max.message.bytes", overrides: [:])?.value == "2000000")
        #expect(r.effectiveValue("max.message.bytes", overrides: [:])?.source == .staticBrokerConfig)
        #expect(r.effectiveValue("cleanup.policy", overrides: [:])?.value == "compact")
        #expect(r.effectiveValue("cleanup.policy", overrides: ["cleanup.policy": "delete , compact"])?.value == "delete,compact")
        #expect(r.effectiveValue("no.such.key", overrides: [:]) == nil)
    }

    @Test func effectiveConfigsCoverEveryKeyWithSources() throws {
        let configs = try resolver().effectiveConfigs(["retention.ms": "1000"])
        #expect(configs.map(\.name) == TopicConfigDefinitions.all.map(\.name))
        let retention = try #require(configs.first { $0.name == "retention.ms" })
        #expect(retention.value == "1000")
        #expect(retention.source == ConfigSource.dynamicTopicConfig.rawValue)
        #expect(!retention.readOnly && !retention.isSensitive)
        #expect(configs.first { $0.name == "cleanup.policy" }?.source == ConfigSource.defaultConfig.rawValue)
    }

    @Test func validationRefusesUnknownKeysBadValuesAndConflicts() throws {
        let r = try resolver()
        #expect(r.problem(with: ["retention.ms": "1000", "cleanup.policy": "compact,delete"]) == nil)
        #expect(r.problem(with: [:]) == nil)
        #expect(r.problem(with: ["no.such.config": "1"]) == ConfigError(key: "no.such.config", "Unknown topic config name: no.such.config"))
        #expect(r.problem(with: ["retention.ms": "not-a-number"])?.message == "Invalid value not-a-number for configuration retention.ms: Not a number of type LONG")
        #expect(r.problem(with: ["cleanup.policy": "bogus"])?.key == "cleanup.policy")
        let conflict = r.problem(with: ["min.compaction.lag.ms": "10", "max.compaction.lag.ms": "5"])
        #expect(conflict?.message == "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)")
        #expect(r.problem(with: ["remote.storage.enable": "true"])?.key == "remote.storage.enable")
        #expect(r.problem(with: ["remote.storage.enable": "false"]) == nil)
        // The policy form carries INVALID_CONFIG for CreateTopics.
        #expect(r.validate(["no.such.config": "1"])?.code == .invalidConfig)

        // The conflict check uses the broker-level value of the key that is not overridden.
        let broker = try resolver(["log.cleaner.max.compaction.lag.ms": "100"])
        #expect(broker.problem(with: ["min.compaction.lag.ms": "200"]) != nil)
        #expect(broker.problem(with: ["min.compaction.lag.ms": "50"]) == nil)
    }

    @Test func logConfigMapsEveryField() throws {
        let r = try resolver(["log.retention.hours": "2", "message.max.bytes": "5000", "log.flush.interval.ms": "77"])
        let config = r.logConfig(overrides: [
            "segment.bytes": "16384", "segment.ms": "1000", "index.interval.bytes": "100", "segment.index.bytes": "4096",
            "flush.messages": "9", "message.timestamp.type": "LogAppendTime", "message.timestamp.before.max.ms": "11",
            "retention.bytes": "65536", "cleanup.policy": "compact,delete", "file.delete.delay.ms": "0",
            "min.insync.replicas": "2", "message.timestamp.difference.max.ms": "33",
        ])
        #expect(config.segmentBytes == 16384)
        #expect(config.segmentMs == 1000)
        #expect(config.maxMessageBytes == 5000)
        #expect(config.indexIntervalBytes == 100)
        #expect(config.segmentIndexBytes == 4096)
        #expect(config.flushMessages == 9)
        #expect(config.flushMs == 77)
        #expect(config.messageTimestampType == .logAppendTime)
        #expect(config.messageTimestampBeforeMaxMs == 11)
        // After is left at its default, so the deprecated difference.max.ms applies (Kafka 3.9).
        #expect(config.messageTimestampAfterMaxMs == 33)
        #expect(config.retentionMs == 7_200_000)
        #expect(config.retentionBytes == 65536)
        #expect(config.cleanupPolicy == [.compact, .delete])
        #expect(config.fileDeleteDelayMs == 0)
        #expect(config.minInsyncReplicas == 2)
    }

    @Test func logConfigDefaultsEqualStorageDefaults() throws {
        #expect(try resolver().logConfig(overrides: [:]) == LogConfig())
        let compactOnly = try resolver().logConfig(overrides: ["cleanup.policy": "compact"])
        #expect(compactOnly.cleanupPolicy == .compact)
        #expect(compactOnly.isCompacted)
    }
}

import Testing

@testable import KafkaBroker

@Suite struct ConfigDefinitionsTests {
    /// LogConfig.java's CONFIG at the 3.9.0 tag.
    static let kafka39TopicKeys: Set<String> = [
        "cleanup.policy", "compression.gzip.level", "compression.lz4.level", "compression.type", "compression.zstd.level",
        "delete.retention.ms", "file.delete.delay.ms", "flush.messages", "flush.ms",
        "follower.replication.throttled.replicas", "index.interval.bytes", "leader.replication.throttled.replicas",
        "local.retention.bytes", "local.retention.ms", "max.compaction.lag.ms", "max.message.bytes",
        "message.downconversion.enable", "message.format.version", "message.timestamp.after.max.ms",
        "message.timestamp.before.max.ms", "message.timestamp.difference.max.ms", "message.timestamp.type",
        "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "min.insync.replicas", "preallocate",
        "remote.log.copy.disable", "remote.log.delete.on.disable", "remote.storage.enable", "retention.bytes",
        "retention.ms", "segment.bytes", "segment.index.bytes", "segment.jitter.ms", "segment.ms",
        "unclean.leader.election.enable",
    ]

    @Test func tableHasExactlyKafkasTopicKeys() {
        #expect(Set(TopicConfigDefinitions.all.map(\.name)) == Self.kafka39TopicKeys)
        #expect(TopicConfigDefinitions.all.count == Self.kafka39TopicKeys.count)
        #expect(TopicConfigDefinitions.all.map(\.name) == TopicConfigDefinitions.all.map(\.name).sorted())
    }

    @Test func everyDefaultPassesItsOwnValidator() throws {
        for def in TopicConfigDefinitions.all + BrokerConfigDefinitions.all {
            if let value = def.defaultValue {
                _ = try def.parse(value)
            }
            #expect(!def.documentation.isEmpty, "\(def.name) has no documentation")
        }
    }

    @Test func brokerSynonymsFollowKafkasOrder() {
        func names(_ key: String) -> [String] { TopicConfigDefinitions.definition(key)?.synonyms.map(\.name) ?? [] }
        #expect(names("retention.ms") == ["log.retention.ms", "log.retention.minutes", "log.retention.hours"])
        #expect(names("segment.ms") == ["log.roll.ms", "log.roll.hours"])
        #expect(names("segment.jitter.ms") == ["log.roll.jitter.ms", "log.roll.jitter.hours"])
        #expect(names("flush.ms") == ["log.flush.interval.ms", "log.flush.scheduler.interval.ms"])
        #expect(names("max.message.bytes") == ["message.max.bytes"])
        #expect(names("min.cleanable.dirty.ratio") == ["log.cleaner.min.cleanable.ratio"])
        #expect(names("file.delete.delay.ms") == ["log.segment.delete.delay.ms"])
        #expect(names("segment.index.bytes") == ["log.index.size.max.bytes"])
        #expect(names("leader.replication.throttled.replicas").isEmpty)
        #expect(names("remote.storage.enable").isEmpty)
        #expect(BrokerConfigDefinitions.family(of: "log.retention.minutes") == names("retention.ms"))
        #expect(BrokerConfigDefinitions.family(of: "num.partitions") == ["num.partitions"])
        // The hour forms are INTs at the broker, unlike the LONG topic key.
        #expect(BrokerConfigDefinitions.definition("log.retention.hours")?.type == .int)
        #expect(BrokerConfigDefinitions.definition("log.retention.ms")?.type == .long)
    }

    /// A value each key's validator must refuse, chosen from the validator itself.
    static func badValue(for def: ConfigDefinition) -> String {
        switch def.validator {
        case .atLeast(let min): return String(min - 1)
        case .between(_, let max): return def.type == .double ? "1.5" : String(max + 1)
        case .oneOf: return "bogus"
        case .listOf: return "compact,bogus"
        case .gzipLevel: return "0"
        case .throttledReplicas: return "0:1,x"
        case .metadataVersion: return "9.9"
        case .none: return def.type == .boolean ? "maybe" : "not-a-number"
        }
    }

    @Test func everyTopicValidatorRejectsABadValueNamingTheKey() {
        for def in TopicConfigDefinitions.all where def.type != .string || def.validator != .none {
            let bad = Self.badValue(for: def)
            let error = #expect(throws: ConfigError.self, "\(def.name)=\(bad) must be refused") { try def.parse(bad) }
            #expect(error?.key == def.name)
            #expect(error?.code == .invalidConfig)
            #expect(error?.message.hasPrefix("Invalid value ") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains(" for configuration \(def.name): ") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("\n") == false)
        }
    }

    @Test func validatorMessagesMatchKafka() {
        func message(_ key: String, _ value: String) -> String? {
            do {
                _ = try TopicConfigDefinitions.definition(key)?.parse(value)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(message("segment.bytes", "10") == "Invalid value 10 for configuration segment.bytes: Value must be at least 14")
        #expect(message("segment.bytes", "14") == nil)
        #expect(message("retention.ms", "-2") == "Invalid value -2 for configuration retention.ms: Value must be at least -1")
        #expect(message("retention.ms", "-1") == nil)
        #expect(message("retention.ms", "not-a-number") == "Invalid value not-a-number for configuration retention.ms: Not a number of type LONG")
        #expect(message("cleanup.policy", "bogus") == "Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete")
        #expect(message("cleanup.policy", "compact, delete") == nil)
        #expect(message("cleanup.policy", "") == nil)
        #expect(message("compression.type", "GZIP") == "Invalid value GZIP for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer")
        #expect(message("message.timestamp.type", "LogAppendTime") == nil)
        #expect(message("message.timestamp.type", "Now") == "Invalid value Now for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime")
        #expect(message("min.cleanable.dirty.ratio", "1.5") == "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1")
        #expect(message("min.cleanable.dirty.ratio", "-0.1") == "Invalid value -0.1 for configuration min.cleanable.dirty.ratio: Value must be at least 0")
        #expect(message("min.cleanable.dirty.ratio", "0.01") == nil)
        #expect(message("compression.gzip.level", "-1") == nil)
        #expect(message("compression.gzip.level", "10") == "Invalid value 10 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1")
        #expect(message("compression.zstd.level", "-131072") == nil)
        #expect(message("preallocate", "TRUE") == nil)
        #expect(message("message.format.version", "2.8.1") == nil)
        #expect(message("message.format.version", "3.0-IV1") == nil)
        #expect(message("message.format.version", "3.0-IV7") == "Invalid value 3.0-IV7 for configuration message.format.version: Version 3.0-IV7 is not a valid version")
        #expect(message("leader.replication.throttled.replicas", "*") == nil)
        #expect(message("leader.replication.throttled.replicas", "0:1, 1:2") == nil)
        #expect(message("max.message.bytes", "2147483648") == "Invalid value 2147483648 for configuration max.message.bytes: Not a number of type INT")
    }

    @Test func canonicalValuesFollowKafkasFormatting() throws {
        #expect(try ConfigValue.parse(" compact , delete ", as: .list, key: "k").canonical == "compact,delete")
        #expect(try ConfigValue.parse("True", as: .boolean, key: "k").canonical == "true")
        #expect(try ConfigValue.parse("+42", as: .long, key: "k").canonical == "42")
        #expect(try ConfigValue.parse("0.5", as: .double, key: "k").canonical == "0.5")
        #expect(try ConfigValue.parse("", as: .list, key: "k") == .list([]))
    }
}

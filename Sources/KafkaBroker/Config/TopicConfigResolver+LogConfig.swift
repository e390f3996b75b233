import KafkaProtocol
import LogStorage

extension TopicConfigResolver {
    /// A topic key's parsed value: the override if valid, else the broker-level value; nil for
    /// unknown keys. For the produce and fetch paths (compression.type, message.timestamp.type...).
    public func typedValue(_ key: String, overrides: [String: String]) -> ConfigValue? {
        if let raw = overrides[key], let def = TopicConfigDefinitions.definition(key), let parsed = try? def.parse(raw) {
            return parsed
        }
        return broker.topicDefault(key)
    }

    /// The storage settings of a topic's logs: each override if valid, else the broker-level
    /// value. Overrides are validated before they are stored, so the fallback only guards
    /// against a hand-edited metadata file.
    public func logConfig(overrides: [String: String]) -> LogConfig {
        func value(_ key: String) -> ConfigValue? { typedValue(key, overrides: overrides) }
        func long(_ key: String, _ fallback: Int64) -> Int64 { value(key)?.integer ?? fallback }
        func int(_ key: String, _ fallback: Int) -> Int { Int(value(key)?.integer ?? Int64(fallback)) }

        var config = LogConfig()
        config.segmentBytes = int("segment.bytes", config.segmentBytes)
        config.segmentMs = long("segment.ms", config.segmentMs)
        config.maxMessageBytes = int("max.message.bytes", config.maxMessageBytes)
        config.indexIntervalBytes = int("index.interval.bytes", config.indexIntervalBytes)
        config.segmentIndexBytes = int("segment.index.bytes", config.segmentIndexBytes)
        config.flushMessages = long("flush.messages", config.flushMessages)
        config.flushMs = long("flush.ms", config.flushMs)
        config.messageTimestampType = value("message.timestamp.type")?.canonical == "LogAppendTime" ? .logAppendTime : .createTime
        // Like Kafka 3.9: the deprecated difference.max.ms applies to whichever bound is left at its default.
        let difference = long("message.timestamp.difference.max.ms", .max)
        let before = long("message.timestamp.before.max.ms", .max)
        let after = long("message.timestamp.after.max.ms", .max)
        config.messageTimestampBeforeMaxMs = before == .max ? difference : before
        config.messageTimestampAfterMaxMs = after == .max ? difference : after
        config.retentionMs = long("retention.ms", config.retentionMs)
        config.retentionBytes = long("retention.bytes", config.retentionBytes)
        var policy: CleanupPolicy = []
        for item in value("cleanup.policy")?.items ?? ["delete"] {
            switch item.lowercased() {
            case "delete": policy.insert(.delete)
            case "compact": policy.insert(.compact)
            default: break
            }
        }
        config.cleanupPolicy = policy
        config.fileDeleteDelayMs = long("file.delete.delay.ms", config.fileDeleteDelayMs)
        config.deleteRetentionMs = long("delete.retention.ms", config.deleteRetentionMs)
        config.minCompactionLagMs = long("min.compaction.lag.ms", config.minCompactionLagMs)
        config.maxCompactionLagMs = long("max.compaction.lag.ms", config.maxCompactionLagMs)
        config.minCleanableDirtyRatio = value("min.cleanable.dirty.ratio")?.numeric ?? config.minCleanableDirtyRatio
        config.minInsyncReplicas = int("min.insync.replicas", config.minInsyncReplicas)
        return config
    }
}

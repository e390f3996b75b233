extension TopicConfigDefinitions {
    static let compressionTypes = ["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]

    /// Cleanup, message limits and timestamps, compression, replication.
    static let messages: [ConfigDefinition] = [
        ConfigDefinition(
            "cleanup.policy", .list, default: "delete", .listOf(["compact", "delete"]),
            synonyms: [same("log.cleanup.policy", "delete")],
            doc: "What happens to old segments: delete them after retention, compact them to the latest value per key, or both."),
        ConfigDefinition(
            "delete.retention.ms", .long, default: "86400000", .atLeast(0),
            synonyms: [same("log.cleaner.delete.retention.ms", "86400000")],
            doc: "How long tombstones are kept on compacted topics, so consumers can see a delete before it disappears."),
        ConfigDefinition(
            "min.compaction.lag.ms", .long, default: "0", .atLeast(0),
            synonyms: [same("log.cleaner.min.compaction.lag.ms", "0")],
            doc: "Minimum age in milliseconds a message must reach before compaction may remove it."),
        ConfigDefinition(
            "max.compaction.lag.ms", .long, default: longMax, .atLeast(1),
            synonyms: [same("log.cleaner.max.compaction.lag.ms", longMax)],
            doc: "Maximum time in milliseconds a message stays ineligible for compaction."),
        ConfigDefinition(
            "min.cleanable.dirty.ratio", .double, default: "0.5", .between(0, 1),
            synonyms: [same("log.cleaner.min.cleanable.ratio", "0.5")],
            doc: "Share of the log that must be uncompacted before the cleaner compacts it."),
        ConfigDefinition(
            "max.message.bytes", .int, default: "1048588", .atLeast(0),
            synonyms: [same("message.max.bytes", "1048588")],
            doc: "Largest record batch in bytes the broker accepts for this topic."),
        ConfigDefinition(
            "message.timestamp.type", .string, default: "CreateTime", .oneOf(["CreateTime", "LogAppendTime"]),
            synonyms: [same("log.message.timestamp.type", "CreateTime")],
            doc: "Whether record timestamps are the producer's (CreateTime) or the broker's append time (LogAppendTime)."),
        ConfigDefinition(
            "message.timestamp.difference.max.ms", .long, default: longMax, .atLeast(0),
            synonyms: [same("log.message.timestamp.difference.max.ms", longMax)],
            doc: "Deprecated: largest allowed gap between a CreateTime timestamp and the broker's clock."),
        ConfigDefinition(
            "message.timestamp.before.max.ms", .long, default: longMax, .atLeast(0),
            synonyms: [same("log.message.timestamp.before.max.ms", longMax)],
            doc: "How far in the past a CreateTime timestamp may be, relative to the broker's clock."),
        ConfigDefinition(
            "message.timestamp.after.max.ms", .long, default: longMax, .atLeast(0),
            synonyms: [same("log.message.timestamp.after.max.ms", longMax)],
            doc: "How far in the future a CreateTime timestamp may be, relative to the broker's clock."),
        ConfigDefinition(
            "message.format.version", .string, default: "3.0-IV1", .metadataVersion,
            synonyms: [same("log.message.format.version", "3.0-IV1")],
            doc: "Deprecated and ignored: record batches are always written in the v2 format."),
        ConfigDefinition(
            "message.downconversion.enable", .boolean, default: "true",
            synonyms: [same("log.message.downconversion.enable", "true")],
            doc: "Whether old fetch versions may get records converted to an older format."),
        ConfigDefinition(
            "compression.type", .string, default: "producer", .oneOf(compressionTypes),
            synonyms: [same("compression.type", "producer")],
            doc: "Codec batches are stored with; producer keeps whatever the producer used."),
        ConfigDefinition(
            "compression.gzip.level", .int, default: "-1", .gzipLevel,
            synonyms: [same("compression.gzip.level", "-1")],
            doc: "Level used when compression.type is gzip."),
        ConfigDefinition(
            "compression.lz4.level", .int, default: "9", .between(1, 17),
            synonyms: [same("compression.lz4.level", "9")],
            doc: "Level used when compression.type is lz4."),
        ConfigDefinition(
            "compression.zstd.level", .int, default: "3", .between(-131_072, 22),
            synonyms: [same("compression.zstd.level", "3")],
            doc: "Level used when compression.type is zstd."),
        ConfigDefinition(
            "min.insync.replicas", .int, default: "1", .atLeast(1),
            synonyms: [same("min.insync.replicas", "1")],
            doc: "Fewest in-sync replicas that must have a write before an acks=all produce succeeds."),
        ConfigDefinition(
            "unclean.leader.election.enable", .boolean, default: "false",
            synonyms: [same("unclean.leader.election.enable", "false")],
            doc: "Whether an out-of-sync replica may become leader when no in-sync one is left, at the cost of data loss."),
        ConfigDefinition(
            "leader.replication.throttled.replicas", .list, default: "", .throttledReplicas,
            doc: "Replicas whose replication is throttled on the leader side: partition:broker pairs or *."),
        ConfigDefinition(
            "follower.replication.throttled.replicas", .list, default: "", .throttledReplicas,
            doc: "Replicas whose replication is throttled on the follower side: partition:broker pairs or *."),
    ]
}

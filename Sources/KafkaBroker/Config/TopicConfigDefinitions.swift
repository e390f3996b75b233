/// Every topic-level config key Kafka 3.9 defines (storage/.../LogConfig.java), with Kafka's types,
/// defaults and validators, and the broker keys that supply each default in Kafka's order
/// (server-common/.../ServerTopicConfigSynonyms.java). Documentation is our own short summary.
public enum TopicConfigDefinitions {
    static let longMax = String(Int64.max)

    /// All keys, sorted by name.
    public static let all: [ConfigDefinition] = (storage + messages).sorted { $0.name < $1.name }

    public static let byName: [String: ConfigDefinition] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    public static func definition(_ name: String) -> ConfigDefinition? { byName[name] }

    static func same(_ name: String, _ defaultValue: String?) -> BrokerSynonym {
        BrokerSynonym(name, default: defaultValue)
    }

    /// Segments, indexes, flushing and retention.
    static let storage: [ConfigDefinition] = [
        ConfigDefinition(
            "segment.bytes", .int, default: "1073741824", .atLeast(14),
            synonyms: [same("log.segment.bytes", "1073741824")],
            doc: "Size in bytes at which the active log segment is closed and a new one started."),
        ConfigDefinition(
            "segment.ms", .long, default: "604800000", .atLeast(1),
            synonyms: [
                same("log.roll.ms", nil),
                BrokerSynonym("log.roll.hours", unit: .hoursToMillis, default: "168", type: .int, validator: .atLeast(1)),
            ],
            doc: "Age in milliseconds after which the active segment is rolled even if not full, so retention and compaction can reach its data."),
        ConfigDefinition(
            "segment.jitter.ms", .long, default: "0", .atLeast(0),
            synonyms: [
                same("log.roll.jitter.ms", nil),
                BrokerSynonym("log.roll.jitter.hours", unit: .hoursToMillis, default: "0", type: .int, validator: .atLeast(0)),
            ],
            doc: "Largest random amount subtracted from segment.ms, so many partitions do not roll at the same moment."),
        ConfigDefinition(
            "segment.index.bytes", .int, default: "10485760", .atLeast(4),
            synonyms: [same("log.index.size.max.bytes", "10485760")],
            doc: "Size in bytes of each segment's offset index; a full index rolls the segment."),
        ConfigDefinition(
            "index.interval.bytes", .int, default: "4096", .atLeast(0),
            synonyms: [same("log.index.interval.bytes", "4096")],
            doc: "Bytes of log between two entries of the sparse offset index."),
        ConfigDefinition(
            "flush.messages", .long, default: longMax, .atLeast(1),
            synonyms: [same("log.flush.interval.messages", longMax)],
            doc: "Force an fsync after this many messages; the default leaves flushing to the operating system."),
        ConfigDefinition(
            "flush.ms", .long, default: longMax, .atLeast(0),
            synonyms: [same("log.flush.interval.ms", nil), same("log.flush.scheduler.interval.ms", longMax)],
            doc: "Force an fsync when unflushed data is this many milliseconds old; the default never forces one."),
        ConfigDefinition(
            "retention.bytes", .long, default: "-1",
            synonyms: [same("log.retention.bytes", "-1")],
            doc: "Largest size in bytes a partition may grow to before its oldest segments are deleted (delete policy); -1 means no limit."),
        ConfigDefinition(
            "retention.ms", .long, default: "604800000", .atLeast(-1),
            synonyms: [
                BrokerSynonym("log.retention.ms", default: nil, validator: ConfigValidator.none),
                BrokerSynonym("log.retention.minutes", unit: .minutesToMillis, default: nil, type: .int, validator: ConfigValidator.none),
                BrokerSynonym("log.retention.hours", unit: .hoursToMillis, default: "168", type: .int, validator: ConfigValidator.none),
            ],
            doc: "How long in milliseconds a segment is kept before it is deleted (delete policy); -1 means forever."),
        ConfigDefinition(
            "file.delete.delay.ms", .long, default: "60000", .atLeast(0),
            synonyms: [same("log.segment.delete.delay.ms", "60000")],
            doc: "How long a deleted segment's files stay on disk, so readers still using them can finish."),
        ConfigDefinition(
            "preallocate", .boolean, default: "false",
            synonyms: [same("log.preallocate", "false")],
            doc: "Whether to preallocate the file of a new segment."),
        ConfigDefinition(
            "local.retention.ms", .long, default: "-2", .atLeast(-2),
            synonyms: [same("log.local.retention.ms", "-2")],
            doc: "With tiered storage, how long segments stay on local disk; -2 means use retention.ms."),
        ConfigDefinition(
            "local.retention.bytes", .long, default: "-2", .atLeast(-2),
            synonyms: [same("log.local.retention.bytes", "-2")],
            doc: "With tiered storage, how many bytes a partition keeps on local disk; -2 means use retention.bytes."),
        ConfigDefinition(
            "remote.storage.enable", .boolean, default: "false",
            doc: "Whether the topic uses tiered storage; this broker has no tiered storage, so it must stay false."),
        ConfigDefinition(
            "remote.log.copy.disable", .boolean, default: "false",
            doc: "With tiered storage, stop copying new segments to remote storage but keep serving remote data."),
        ConfigDefinition(
            "remote.log.delete.on.disable", .boolean, default: "false",
            doc: "With tiered storage, delete the remote data when remote storage is turned off for the topic."),
    ]
}

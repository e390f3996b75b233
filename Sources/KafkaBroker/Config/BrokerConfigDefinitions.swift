/// The broker keys Petrel reads, with Kafka's types, defaults and checks. Keys that only supply
/// topic defaults (log.retention.hours, message.max.bytes, ...) are derived from the topic table,
/// so the two never disagree. All are read-only: Petrel has no dynamic broker configs.
public enum BrokerConfigDefinitions {
    public static let all: [ConfigDefinition] = {
        var seen = Set<String>()
        var out: [ConfigDefinition] = []
        for def in own + transactionCoordinator + cluster + derivedFromTopics where seen.insert(def.name).inserted {
            out.append(def)
        }
        return out.sorted { $0.name < $1.name }
    }()

    public static let byName: [String: ConfigDefinition] = Dictionary(
        all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    public static func definition(_ name: String) -> ConfigDefinition? { byName[name] }

    /// The broker keys that set a topic key's default; more than one for the time families
    /// (log.retention.ms/minutes/hours, log.roll.ms/hours, ...).
    public static func family(of brokerKey: String) -> [String] {
        for def in TopicConfigDefinitions.all where def.synonyms.contains(where: { $0.name == brokerKey }) {
            return def.synonyms.map(\.name)
        }
        return [brokerKey]
    }

    static func broker(
        _ name: String, _ type: ConfigType, default value: String?, _ validator: ConfigValidator = .none, doc: String
    ) -> ConfigDefinition {
        ConfigDefinition(name, type, default: value, validator, readOnly: true, doc: doc)
    }

    static let own: [ConfigDefinition] = [
        broker("node.id", .int, default: "1", .atLeast(0), doc: "This broker's id in the cluster."),
        broker("broker.id", .int, default: nil, .atLeast(0), doc: "Older name for node.id; both must agree when both are set."),
        broker(
            "listeners", .string, default: "PLAINTEXT://:9092",
            doc: "Addresses the broker listens on, as NAME://host:port; an empty host means all interfaces."),
        broker(
            "advertised.listeners", .string, default: nil,
            doc: "Addresses given to clients in metadata, as NAME://host:port; defaults to listeners."),
        broker("log.dirs", .string, default: nil, doc: "Comma-separated directories for partition logs and metadata."),
        broker("log.dir", .string, default: nil, doc: "The data directory, used when log.dirs is unset."),
        broker("num.partitions", .int, default: "1", .atLeast(1), doc: "Partition count of topics created without one."),
        broker(
            "default.replication.factor", .int, default: "1", .atLeast(1),
            doc: "Replication factor of topics created without one."),
        broker(
            "auto.create.topics.enable", .boolean, default: "true",
            doc: "Whether a metadata request for an unknown topic creates it."),
        broker(
            "socket.request.max.bytes", .int, default: "104857600", .atLeast(1),
            doc: "Largest request in bytes the broker reads; larger ones close the connection."),
        broker(
            "offsets.topic.num.partitions", .int, default: "50", .atLeast(1),
            doc: "Partitions of __consumer_offsets when it is created; fixed afterwards, since groups are placed by it."),
        broker(
            "offsets.topic.replication.factor", .short, default: "1", .atLeast(1),
            doc: "Replication factor of __consumer_offsets when it is created."),
        broker(
            "offsets.topic.segment.bytes", .int, default: "104857600", .atLeast(1),
            doc: "Segment size of __consumer_offsets, kept small so compaction and loading stay fast."),
        broker(
            "offset.metadata.max.bytes", .int, default: "4096", .atLeast(0),
            doc: "Longest metadata string an offset commit may carry."),
        broker(
            "offsets.load.buffer.size", .int, default: "5242880", .atLeast(1),
            doc: "Bytes read at a time while loading __consumer_offsets."),
        broker(
            "log.retention.check.interval.ms", .long, default: "300000", .atLeast(1),
            doc: "How often in milliseconds the broker looks for segments to delete under retention."),
        broker(
            "log.cleaner.backoff.ms", .long, default: "15000", .atLeast(0),
            doc: "How long the log cleaner sleeps when no log needs compaction."),
        broker("log.cleaner.enable", .boolean, default: "true", doc: "Whether the log cleaner compacts topics with cleanup.policy=compact."),
        broker(
            "log.cleaner.threads", .int, default: "1", .atLeast(0),
            doc: "Threads compacting logs at once; 0 turns the cleaner off."),
        broker(
            "log.cleaner.dedupe.buffer.size", .long, default: "134217728", .atLeast(0),
            doc: "Bytes of key index all cleaner threads may hold (24 bytes per distinct key); larger logs take several rounds."),
        broker(
            "log.cleaner.io.buffer.size", .int, default: "524288", .atLeast(0),
            doc: "Bytes of read and write buffers across all cleaner threads."),
        broker(
            "log.cleaner.io.buffer.load.factor", .double, default: "0.9",
            doc: "How full the cleaner's key index may get before a round stops adding keys."),
        broker(
            "log.cleaner.io.max.bytes.per.second", .double, default: "1.7976931348623157E308",
            doc: "Limit on the cleaner's reads plus writes, in bytes per second."),
        broker("delete.topic.enable", .boolean, default: "true", doc: "Whether DeleteTopics may delete topics."),
        broker(
            "group.initial.rebalance.delay.ms", .int, default: "3000", .atLeast(0),
            doc: "How long a new consumer group waits for more members before its first rebalance."),
        broker(
            "group.min.session.timeout.ms", .int, default: "6000", .atLeast(0),
            doc: "Shortest session timeout a classic group member may ask for in JoinGroup."),
        broker(
            "group.max.session.timeout.ms", .int, default: "1800000", .atLeast(0),
            doc: "Longest session timeout a classic group member may ask for in JoinGroup."),
        broker(
            "group.max.size", .int, default: "2147483647", .atLeast(1),
            doc: "Most members a classic consumer group accepts."),
        broker(
            "offsets.retention.minutes", .int, default: "10080", .atLeast(1),
            doc: "How long offsets of an empty group (or of a topic the group stopped consuming) are kept."),
        broker(
            "offsets.retention.check.interval.ms", .long, default: "600000", .atLeast(1),
            doc: "How often expired offsets are looked for."),
        broker(
            "offsets.commit.timeout.ms", .int, default: "5000", .atLeast(1),
            doc: "How long an offset commit waits for the in-sync replicas of __consumer_offsets."),
        broker(
            "group.consumer.session.timeout.ms", .int, default: "45000", .atLeast(1),
            doc: "Session timeout of members of consumer-protocol (KIP-848) groups."),
        broker(
            "group.consumer.heartbeat.interval.ms", .int, default: "5000", .atLeast(1),
            doc: "Heartbeat interval given to members of consumer-protocol (KIP-848) groups."),
        broker(
            "group.consumer.max.size", .int, default: "2147483647", .atLeast(1),
            doc: "Most members a consumer-protocol (KIP-848) group accepts."),
        broker(
            "group.consumer.assignors", .list, default: "uniform,range",
            .listOf([
                "uniform", "range", "org.apache.kafka.coordinator.group.assignor.UniformAssignor",
                "org.apache.kafka.coordinator.group.assignor.RangeAssignor",
            ]),
            doc: "Server-side assignors of consumer-protocol (KIP-848) groups, by name or Kafka class name; the first is the default."),
    ]

    static let derivedFromTopics: [ConfigDefinition] = TopicConfigDefinitions.all.flatMap { topic in
        topic.synonyms.map { synonym in
            let unit: String
            switch synonym.unit {
            case .same: unit = ""
            case .minutesToMillis: unit = ", in minutes"
            case .hoursToMillis: unit = ", in hours"
            }
            let earlier = topic.synonyms.prefix { $0.name != synonym.name }.map(\.name)
            let precedence = earlier.isEmpty ? "" : " Used when \(earlier.joined(separator: " and ")) \(earlier.count == 1 ? "is" : "are") unset."
            return broker(
                synonym.name, synonym.type ?? topic.type, default: synonym.defaultValue,
                synonym.validator ?? topic.validator,
                doc: "Broker default for the topic config \(topic.name)\(unit).\(precedence)")
        }
    }
}

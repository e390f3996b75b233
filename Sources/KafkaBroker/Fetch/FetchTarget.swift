import KafkaProtocol

/// One partition a fetch asks for, independent of request version (name or topic id).
struct FetchTarget: Sendable {
    var topic: String
    var topicId: KafkaUUID
    var partition: Int32
    var fetchOffset: Int64
    var partitionMaxBytes: Int32
    var currentLeaderEpoch: Int32
    var lastFetchedEpoch: Int32

    /// The key a fetch session stores partitions under.
    var key: FetchPartitionKey { FetchPartitionKey(topic: topic, topicId: topicId, partition: partition) }
}

struct FetchPartitionKey: Hashable, Sendable {
    var topic: String
    var topicId: KafkaUUID
    var partition: Int32
}

/// Who is fetching: a consumer sees data up to the high watermark (or the last stable offset
/// under read_committed); a follower replica reads up to the log end offset.
enum FetchIsolation: Sendable {
    case highWatermark
    case committed
    case logEnd
}

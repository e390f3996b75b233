import KafkaProtocol
import NIOCore

/// One record of the group coordinator's log (`__consumer_offsets`). The coordinator's state is
/// exactly what replaying these records in order produces.
///
/// A nil value is a tombstone: it removes the key (OffsetDelete, DeleteGroups, expiry) and lets
/// compaction drop the key once the tombstone itself expires. Issue 3 adds the group records
/// (GroupMetadata, type 2; the KIP-848 ConsumerGroup* records, types 3+).
public enum CoordinatorRecord: Sendable, Hashable {
    case offsetCommit(OffsetCommitKey, OffsetCommitValue?)

    /// The group the record belongs to; records of one group always live in one partition.
    public var groupId: String {
        switch self {
        case .offsetCommit(let key, _): key.group
        }
    }

    public var isTombstone: Bool {
        switch self {
        case .offsetCommit(_, let value): value == nil
        }
    }
}

/// The record types found in the key's version prefix (Kafka's `coordinator-key` apiKeys).
public enum CoordinatorRecordType {
    /// Types 0 and 1 are both OffsetCommitKey; 1 is what Kafka writes.
    public static let legacyOffsetCommit: Int16 = 0
    public static let offsetCommit: Int16 = 1
    /// Classic group metadata (GroupMetadataKey/Value); handled once JoinGroup exists.
    public static let groupMetadata: Int16 = 2
}

/// What decoding one log record gave.
public enum DecodedCoordinatorRecord: Sendable, Equatable {
    case record(CoordinatorRecord)
    /// A record type this build does not handle yet (group metadata, KIP-848 records, or a
    /// leftover of a newer version). Kafka logs and skips these while loading; so does Petrel.
    case unhandled(type: Int16)
}

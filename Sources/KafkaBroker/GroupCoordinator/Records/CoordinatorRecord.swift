import KafkaProtocol
import NIOCore

/// One record of the group coordinator's log (`__consumer_offsets`). The coordinator's state is
/// exactly what replaying these records in order produces.
///
/// A nil value is a tombstone: it removes the key (OffsetDelete, DeleteGroups, expiry, a member
/// leaving a consumer group) and lets compaction drop the key once the tombstone itself expires.
public enum CoordinatorRecord: Sendable, Hashable {
    /// Types 0/1: a committed offset.
    case offsetCommit(OffsetCommitKey, OffsetCommitValue?)
    /// Type 2: a classic group's generation, protocol, leader and members.
    case groupMetadata(group: String, GroupMetadataValue?)
    /// Type 3: a consumer group's epoch.
    case consumerGroupMetadata(group: String, ConsumerGroupMetadataValue?)
    /// Type 4: the topics a consumer group is subscribed to, with their partition counts.
    case consumerGroupPartitionMetadata(group: String, ConsumerGroupPartitionMetadataValue?)
    /// Type 5: one consumer group member's subscription.
    case consumerGroupMemberMetadata(group: String, member: String, ConsumerGroupMemberMetadataValue?)
    /// Type 6: the epoch of a consumer group's target assignment.
    case consumerGroupTargetAssignmentMetadata(group: String, ConsumerGroupTargetAssignmentMetadataValue?)
    /// Type 7: one member's target assignment.
    case consumerGroupTargetAssignmentMember(group: String, member: String, ConsumerGroupTargetAssignmentMemberValue?)
    /// Type 8: one member's current assignment and epochs.
    case consumerGroupCurrentMemberAssignment(group: String, member: String, ConsumerGroupCurrentMemberAssignmentValue?)

    /// The group the record belongs to; records of one group always live in one partition.
    public var groupId: String {
        switch self {
        case .offsetCommit(let key, _): key.group
        case .groupMetadata(let group, _), .consumerGroupMetadata(let group, _),
            .consumerGroupPartitionMetadata(let group, _), .consumerGroupMemberMetadata(let group, _, _),
            .consumerGroupTargetAssignmentMetadata(let group, _), .consumerGroupTargetAssignmentMember(let group, _, _),
            .consumerGroupCurrentMemberAssignment(let group, _, _):
            group
        }
    }

    public var isTombstone: Bool {
        switch self {
        case .offsetCommit(_, let value): value == nil
        case .groupMetadata(_, let value): value == nil
        case .consumerGroupMetadata(_, let value): value == nil
        case .consumerGroupPartitionMetadata(_, let value): value == nil
        case .consumerGroupMemberMetadata(_, _, let value): value == nil
        case .consumerGroupTargetAssignmentMetadata(_, let value): value == nil
        case .consumerGroupTargetAssignmentMember(_, _, let value): value == nil
        case .consumerGroupCurrentMemberAssignment(_, _, let value): value == nil
        }
    }

    /// The record type in the key's version prefix.
    public var recordType: Int16 {
        switch self {
        case .offsetCommit: CoordinatorRecordType.offsetCommit
        case .groupMetadata: CoordinatorRecordType.groupMetadata
        case .consumerGroupMetadata: CoordinatorRecordType.consumerGroupMetadata
        case .consumerGroupPartitionMetadata: CoordinatorRecordType.consumerGroupPartitionMetadata
        case .consumerGroupMemberMetadata: CoordinatorRecordType.consumerGroupMemberMetadata
        case .consumerGroupTargetAssignmentMetadata: CoordinatorRecordType.consumerGroupTargetAssignmentMetadata
        case .consumerGroupTargetAssignmentMember: CoordinatorRecordType.consumerGroupTargetAssignmentMember
        case .consumerGroupCurrentMemberAssignment: CoordinatorRecordType.consumerGroupCurrentMemberAssignment
        }
    }
}

/// The record types found in the key's version prefix (Kafka's `coordinator-key` apiKeys).
public enum CoordinatorRecordType {
    /// Types 0 and 1 are both OffsetCommitKey; 1 is what Kafka writes.
    public static let legacyOffsetCommit: Int16 = 0
    public static let offsetCommit: Int16 = 1
    public static let groupMetadata: Int16 = 2
    public static let consumerGroupMetadata: Int16 = 3
    public static let consumerGroupPartitionMetadata: Int16 = 4
    public static let consumerGroupMemberMetadata: Int16 = 5
    public static let consumerGroupTargetAssignmentMetadata: Int16 = 6
    public static let consumerGroupTargetAssignmentMember: Int16 = 7
    public static let consumerGroupCurrentMemberAssignment: Int16 = 8
}

/// What decoding one log record gave.
public enum DecodedCoordinatorRecord: Sendable, Equatable {
    case record(CoordinatorRecord)
    /// A record type this build does not handle (share groups, types 9+, or a leftover of a newer
    /// version). Kafka logs and skips these while loading; so does Petrel.
    case unhandled(type: Int16)
}

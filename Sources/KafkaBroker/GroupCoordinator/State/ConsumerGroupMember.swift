import KafkaProtocol

/// Where a KIP-848 member is in reconciling its assignment (Kafka's MemberState; the raw values
/// are what ConsumerGroupCurrentMemberAssignmentValue stores).
public enum ConsumerMemberState: Int8, Sendable, Equatable {
    /// Must give up partitions before it moves to the next epoch.
    case unrevokedPartitions = 0
    /// Waits for partitions another member still owns.
    case unreleasedPartitions = 1
    case stable = 2
    case unknown = 127

    public var name: String {
        switch self {
        case .unrevokedPartitions: "UNREVOKED_PARTITIONS"
        case .unreleasedPartitions: "UNRELEASED_PARTITIONS"
        case .stable: "STABLE"
        case .unknown: "UNKNOWN"
        }
    }
}

/// A member of a KIP-848 consumer group (Kafka's ConsumerGroupMember): its subscription (from
/// ConsumerGroupMemberMetadata records) and its assignment and epochs (from
/// ConsumerGroupCurrentMemberAssignment records).
public struct ConsumerGroupMember: Sendable, Equatable {
    /// Epoch -1: left the group; -2: a static member that left and may come back.
    public static let leaveEpoch: Int32 = -1
    public static let staticLeaveEpoch: Int32 = -2

    public var memberId: String
    public var instanceId: String?
    public var rackId: String?
    public var clientId = ""
    public var clientHost = ""
    /// Sorted, as Kafka stores them.
    public var subscribedTopicNames: [String] = []
    public var subscribedTopicRegex: String?
    public var rebalanceTimeoutMs: Int32 = -1
    public var serverAssignor: String?

    public var memberEpoch: Int32 = 0
    public var previousMemberEpoch: Int32 = -1
    public var state: ConsumerMemberState = .stable
    public var assignedPartitions: TopicPartitionAssignment = [:]
    public var partitionsPendingRevocation: TopicPartitionAssignment = [:]

    public init(memberId: String) { self.memberId = memberId }

    /// Reconciled to the target of `epoch` (Kafka's isReconciledTo).
    public func isReconciled(to epoch: Int32) -> Bool { state == .stable && memberEpoch == epoch }

    var metadataValue: ConsumerGroupMemberMetadataValue {
        ConsumerGroupMemberMetadataValue(
            instanceId: instanceId, rackId: rackId, clientId: clientId, clientHost: clientHost,
            subscribedTopicNames: subscribedTopicNames, subscribedTopicRegex: subscribedTopicRegex,
            rebalanceTimeoutMs: rebalanceTimeoutMs, serverAssignor: serverAssignor)
    }

    var assignmentValue: ConsumerGroupCurrentMemberAssignmentValue {
        ConsumerGroupCurrentMemberAssignmentValue(
            memberEpoch: memberEpoch, previousMemberEpoch: previousMemberEpoch, state: state.rawValue,
            assignedPartitions: assignedPartitions, partitionsPendingRevocation: partitionsPendingRevocation)
    }

    mutating func apply(_ value: ConsumerGroupMemberMetadataValue) {
        instanceId = value.instanceId
        rackId = value.rackId
        clientId = value.clientId
        clientHost = value.clientHost
        subscribedTopicNames = value.subscribedTopicNames
        subscribedTopicRegex = value.subscribedTopicRegex
        rebalanceTimeoutMs = value.rebalanceTimeoutMs
        serverAssignor = value.serverAssignor
    }

    mutating func apply(_ value: ConsumerGroupCurrentMemberAssignmentValue) {
        memberEpoch = value.memberEpoch
        previousMemberEpoch = value.previousMemberEpoch
        state = ConsumerMemberState(rawValue: value.state) ?? .unknown
        assignedPartitions = value.assignedPartitions
        partitionsPendingRevocation = value.partitionsPendingRevocation
    }

    /// Sets a new epoch, remembering the previous one (Kafka's updateMemberEpoch).
    mutating func updateEpoch(_ epoch: Int32) {
        previousMemberEpoch = memberEpoch
        memberEpoch = epoch
    }
}

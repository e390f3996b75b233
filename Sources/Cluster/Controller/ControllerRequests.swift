import LogStorage

/// A leader's request to change a partition's ISR (Kafka's AlterPartition): what it believes
/// the state is (leader epoch, partition epoch) and the ISR it wants.
public struct IsrChangeRequest: Sendable, Hashable {
    public struct Item: Sendable, Hashable {
        public var partition: TopicPartition
        public var leaderEpoch: Int32
        public var newIsr: [Int32]
        public var leaderRecoveryState: PartitionState.LeaderRecoveryState
        /// The partition epoch of the state the leader last saw.
        public var partitionEpoch: Int32

        public init(
            partition: TopicPartition, leaderEpoch: Int32, newIsr: [Int32],
            leaderRecoveryState: PartitionState.LeaderRecoveryState = .recovered, partitionEpoch: Int32
        ) {
            self.partition = partition
            self.leaderEpoch = leaderEpoch
            self.newIsr = newIsr
            self.leaderRecoveryState = leaderRecoveryState
            self.partitionEpoch = partitionEpoch
        }
    }

    /// The leader asking, with its broker epoch (stale epochs are refused).
    public var brokerID: Int32
    public var brokerEpoch: Int64
    public var items: [Item]

    public init(brokerID: Int32, brokerEpoch: Int64, items: [Item]) {
        self.brokerID = brokerID
        self.brokerEpoch = brokerEpoch
        self.items = items
    }
}

/// Per partition: the new state (with its partition epoch) or why not, with Kafka's codes:
/// NOT_CONTROLLER, STALE_BROKER_EPOCH, UNKNOWN_TOPIC_OR_PARTITION, FENCED_LEADER_EPOCH,
/// NOT_LEADER_OR_FOLLOWER, INVALID_UPDATE_VERSION, INVALID_REQUEST, INELIGIBLE_REPLICA.
public typealias IsrChangeResult = [TopicPartition: Result<PartitionState, ClusterError>]

/// A partition whose leadership changed, as one replica is told about it (Kafka's
/// LeaderAndIsr partition state).
public struct PartitionLeadership: Sendable, Hashable {
    public var partition: TopicPartition
    public var state: PartitionState
    public var replicas: [Int32]

    public init(partition: TopicPartition, state: PartitionState, replicas: [Int32]) {
        self.partition = partition
        self.state = state
        self.replicas = replicas
    }
}

/// What one broker must now do: lead the partitions whose state names it leader, follow the
/// others (their leader, from that leader epoch).
public struct BrokerNotification: Sendable, Hashable {
    public var broker: Int32
    public var partitions: [PartitionLeadership]

    public init(broker: Int32, partitions: [PartitionLeadership]) {
        self.broker = broker
        self.partitions = partitions
    }

    public var leading: [PartitionLeadership] { partitions.filter { $0.state.leader == broker } }
    public var following: [PartitionLeadership] { partitions.filter { $0.state.leader != broker } }
}

/// An admin's leader election (Kafka's ElectLeaders): preferred replicas, or any live replica
/// for partitions without a live leader (unclean). `partitions` nil: every partition.
public struct LeaderElectionRequest: Sendable, Hashable {
    /// Kafka's ElectionType.
    public enum ElectionType: Int8, Sendable, Hashable {
        case preferred = 0
        case unclean = 1
    }

    public var type: ElectionType
    public var partitions: [TopicPartition]?

    public init(type: ElectionType, partitions: [TopicPartition]?) {
        self.type = type
        self.partitions = partitions
    }
}

/// Per partition: the leader elected (written) or why not, with Kafka's codes:
/// ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
/// UNKNOWN_TOPIC_OR_PARTITION; the whole request fails with NOT_CONTROLLER.
public typealias LeaderElectionResult = Result<[TopicPartition: Result<Int32, ClusterError>], ClusterError>

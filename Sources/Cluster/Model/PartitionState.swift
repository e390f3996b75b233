/// Kafka's LeaderAndIsr for one partition, as the controller writes it: who leads, in which
/// leader epoch, with which in-sync replicas. Changed only by conditional writes against
/// `partitionEpoch`.
public struct PartitionState: Sendable, Hashable, CustomStringConvertible {
    /// Kafka's "no leader" broker id.
    public static let noLeader: Int32 = -1

    /// Whether the leader's log is known to hold everything committed (Kafka's
    /// LeaderRecoveryState): after an unclean election it is `recovering` until the leader says
    /// otherwise through an ISR change.
    public enum LeaderRecoveryState: Int8, Sendable, Hashable {
        case recovered = 0
        case recovering = 1
    }

    public var leader: Int32
    public var leaderEpoch: Int32
    public var isr: [Int32]
    public var leaderRecoveryState: LeaderRecoveryState
    /// The epoch of the controller that wrote this state.
    public var controllerEpoch: Int32
    /// The store's version of this state (ZooKeeper: the state znode's data version; Kafka calls
    /// it the partition epoch). Set by the store on every read and write; -1 before creation.
    public var partitionEpoch: Int32

    public init(
        leader: Int32, leaderEpoch: Int32, isr: [Int32], leaderRecoveryState: LeaderRecoveryState = .recovered,
        controllerEpoch: Int32, partitionEpoch: Int32 = -1
    ) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.leaderRecoveryState = leaderRecoveryState
        self.controllerEpoch = controllerEpoch
        self.partitionEpoch = partitionEpoch
    }

    public var hasLeader: Bool { leader != Self.noLeader }

    /// Same leader, leader epoch, ISR and recovery state; the versions may differ. What an ISR
    /// change request is compared with to answer a retry idempotently.
    public func sameLeadership(as other: PartitionState) -> Bool {
        leader == other.leader && leaderEpoch == other.leaderEpoch && isr == other.isr
            && leaderRecoveryState == other.leaderRecoveryState
    }

    public var description: String {
        "leader \(leader) epoch \(leaderEpoch) isr \(isr) partitionEpoch \(partitionEpoch)"
            + (leaderRecoveryState == .recovering ? " recovering" : "")
    }
}

import LogStorage

/// What a broker must do about one partition after a metadata change: lead it (with this leader
/// epoch and ISR), follow its leader, or stop replicating it. Kafka's brokers learn this from
/// the controller's LeaderAndIsr; Petrel's from their follower's image (same fields).
public enum RoleChange: Sendable, Hashable {
    /// Become (or stay, at a new leader epoch or ISR) the leader.
    case lead(PartitionLeadership)
    /// Follow `state.leader` (or wait, when the partition has no leader) from `state.leaderEpoch`.
    case follow(PartitionLeadership)
    /// No longer a replica; `deleted` when its log can be removed: the topic is gone, or the
    /// partition was reassigned away from this broker (Kafka's StopReplica with delete).
    case stop(TopicPartition, deleted: Bool)

    public var partition: TopicPartition {
        switch self {
        case .lead(let leadership), .follow(let leadership): leadership.partition
        case .stop(let partition, _): partition
        }
    }
}

public enum BrokerRole {
    /// The role changes for `broker` between two images, sorted by partition. A leader hears of
    /// every change of its partition's state (it needs the ISR and partition epoch for the high
    /// watermark and for ISR changes); a follower only of a new leader or leader epoch.
    public static func changes(from old: MetadataImage, to new: MetadataImage, broker: Int32) -> [RoleChange] {
        let now = Set(new.partitions(onBroker: broker).map(\.0))
        // Stops first, so a topic deleted and made again under the same name is stopped
        // (deleted) before its new partition is led or followed. (The sort below is stable.)
        var changes: [RoleChange] = []
        // Either way the replica here is no longer wanted: its log goes (a reassignment that
        // brings it back starts it empty and copies it again, as Kafka does).
        for (partition, _) in old.partitions(onBroker: broker) where !now.contains(partition) || !sameTopic(partition, old, new) {
            changes.append(.stop(partition, deleted: true))
        }
        for (partition, replicas) in new.partitions(onBroker: broker) {
            guard let state = new.partitions[partition] else { continue }
            let before = old.partitions[partition]
            let wasReplica = old.replicas(of: partition)?.contains(broker) == true && sameTopic(partition, old, new)
            let leadership = PartitionLeadership(partition: partition, state: state, replicas: replicas)
            if state.leader == broker {
                if !wasReplica || before != state { changes.append(.lead(leadership)) }
            } else if !wasReplica || before?.leader != state.leader || before?.leaderEpoch != state.leaderEpoch {
                changes.append(.follow(leadership))
            }
        }
        return changes.sorted { ($0.partition.topic, $0.partition.partition) < ($1.partition.topic, $1.partition.partition) }
    }

    /// Every partition `broker` replicates, with its role now (a broker starting up).
    public static func roles(in image: MetadataImage, broker: Int32) -> [RoleChange] {
        changes(from: MetadataImage(), to: image, broker: broker)
    }

    private static func sameTopic(_ partition: TopicPartition, _ old: MetadataImage, _ new: MetadataImage) -> Bool {
        guard let before = old.topics[partition.topic], let after = new.topics[partition.topic] else { return false }
        return before.topicID == after.topicID
    }
}

/// A partition moving from one replica set to another (Kafka's ReplicaAssignment with adding and
/// removing replicas, KIP-455). While it moves, the topic's replicas for the partition are the
/// target and the origin together (RS = TRS + ORS, target first); `adding` are the replicas only
/// in the target, `removing` those only in the origin. The controller completes it once every
/// target replica is in the ISR: it writes RS = TRS and forgets the reassignment.
public struct PartitionReassignment: Sendable, Hashable {
    /// Replicas being added (in the target, not in the origin).
    public var adding: [Int32]
    /// Replicas being removed (in the origin, not in the target).
    public var removing: [Int32]

    public init(adding: [Int32] = [], removing: [Int32] = []) {
        self.adding = adding
        self.removing = removing
    }

    public var isEmpty: Bool { adding.isEmpty && removing.isEmpty }
}

extension TopicAssignment {
    /// The reassignment of `partition` in progress, if any.
    public func reassignment(of partition: Int32) -> PartitionReassignment? {
        reassignments[partition].flatMap { $0.isEmpty ? nil : $0 }
    }

    public func isBeingReassigned(_ partition: Int32) -> Bool { reassignment(of: partition) != nil }

    /// The replicas the partition moves to (all of them when it is not moving).
    public func targetReplicas(of partition: Int32) -> [Int32]? {
        guard let replicas = replicas(of: partition) else { return nil }
        guard let moving = reassignment(of: partition) else { return replicas }
        return replicas.filter { !moving.removing.contains($0) }
    }

    /// The replicas the partition had before it started moving.
    public func originReplicas(of partition: Int32) -> [Int32]? {
        guard let replicas = replicas(of: partition) else { return nil }
        guard let moving = reassignment(of: partition) else { return replicas }
        return replicas.filter { !moving.adding.contains($0) }
    }

    /// Starts moving `partition` to `target` (Kafka's ReplicaAssignment.reassignTo): the new
    /// replica list is the target then the origin, without repeats; a reassignment in progress is
    /// replaced (its adding replicas that the new target leaves out go at once). A target equal
    /// to the origin as a set only reorders: nothing is left moving.
    public mutating func reassign(partition: Int32, to target: [Int32]) {
        guard let origin = originReplicas(of: partition) else { return }
        var full: [Int32] = []
        for replica in target + origin where !full.contains(replica) { full.append(replica) }
        partitions[Int(partition)] = full
        let moving = PartitionReassignment(
            adding: full.filter { !origin.contains($0) }, removing: full.filter { !target.contains($0) })
        reassignments[partition] = moving.isEmpty ? nil : moving
    }

    /// Cancels the move of `partition`: back to its origin replicas (whose order Kafka cannot
    /// restore either when the target overlapped them).
    public mutating func cancelReassignment(partition: Int32) {
        guard let origin = originReplicas(of: partition) else { return }
        partitions[Int(partition)] = origin
        reassignments[partition] = nil
    }

    /// Finishes the move of `partition`: its replicas become the target.
    public mutating func completeReassignment(partition: Int32) {
        guard let target = targetReplicas(of: partition) else { return }
        partitions[Int(partition)] = target
        reassignments[partition] = nil
    }

    /// Adding and removing replicas must be replicas of their partition, disjoint, and leave a
    /// non-empty target and origin.
    func validateReassignments() throws(ClusterError) {
        for (partition, moving) in reassignments where !moving.isEmpty {
            guard let replicas = replicas(of: partition) else {
                throw .invalid("topic \(name) reassigns partition \(partition), which it does not have")
            }
            let adding = Set(moving.adding)
            let removing = Set(moving.removing)
            guard adding.count == moving.adding.count, removing.count == moving.removing.count,
                adding.isSubset(of: replicas), removing.isSubset(of: replicas), adding.isDisjoint(with: removing),
                replicas.count > adding.count, replicas.count > removing.count
            else {
                throw .invalid(
                    "partition \(name)-\(partition) has replicas \(replicas), adding \(moving.adding) and removing \(moving.removing), which do not fit")
            }
        }
    }
}

/// What the runtime logs about a group when an operation changes it. Built for every write of
/// a group, so it only reads counts; member ids are compared only when something changed.
struct GroupSummary: CustomStringConvertible {
    var group: CoordinatorGroup
    var kind: String
    var state: String
    var generation: Int32
    var memberCount: Int

    init?(_ group: CoordinatorGroup?) {
        guard let group else { return nil }
        self.group = group
        switch group {
        case .classic(let classic):
            kind = "classic"
            state = classic.state.name
            generation = classic.generationId
        case .consumer(let consumer):
            kind = "consumer"
            state = consumer.state.name
            generation = consumer.groupEpoch
        }
        memberCount = group.memberCount
    }

    func sameShape(as other: GroupSummary?) -> Bool {
        guard let other else { return false }
        return kind == other.kind && state == other.state && generation == other.generation && memberCount == other.memberCount
    }

    var memberIds: Set<String> {
        switch group {
        case .classic(let classic): Set(classic.members.keys)
        case .consumer(let consumer): Set(consumer.members.keys)
        }
    }

    var description: String { "\(kind) \(state) generation \(generation) with \(memberCount) members" }
}

extension CoordinatorTimerKey {
    /// The group the timer belongs to.
    var groupId: String? {
        switch self {
        case .classicHeartbeat(let group, _), .classicJoin(let group), .classicSync(let group),
            .consumerSession(let group, _), .consumerRebalance(let group, _):
            group
        case .offsetExpiration:
            nil
        }
    }
}

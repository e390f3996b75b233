/// What the runtime logs about a group when an operation changes it.
struct GroupSummary: Equatable, CustomStringConvertible {
    var kind: String
    var state: String
    var generation: Int32
    var members: [String]

    init?(_ group: CoordinatorGroup?) {
        switch group {
        case .classic(let classic)?:
            kind = "classic"
            state = classic.state.name
            generation = classic.generationId
            members = classic.members.keys.sorted()
        case .consumer(let consumer)?:
            kind = "consumer"
            state = consumer.state.name
            generation = consumer.groupEpoch
            members = consumer.members.keys.sorted()
        case nil:
            return nil
        }
    }

    var description: String { "\(kind) \(state) generation \(generation) with \(members.count) members" }
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

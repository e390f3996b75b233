import KafkaProtocol
import NIOCore

/// Requests waiting for a later operation to answer them: JoinGroups parked until the join phase
/// completes, SyncGroups until the leader's assignment is stored. Kept by the runtime, not the
/// shard, because promises are I/O; the shard tracks who waits (isAwaitingJoin/isAwaitingSync)
/// and says when to answer. A member may have more than one request parked (a client that
/// retried after a timeout): all get the same answer, so none is left unanswered.
struct ParkedRequests: Sendable {
    struct MemberKey: Hashable, Sendable {
        var group: String
        var member: String
    }

    private var joins: [MemberKey: [EventLoopPromise<JoinGroupResponse>]] = [:]
    private var syncs: [MemberKey: [EventLoopPromise<SyncGroupResponse>]] = [:]

    var isEmpty: Bool { joins.isEmpty && syncs.isEmpty }

    mutating func parkJoin(group: String, member: String, _ promise: EventLoopPromise<JoinGroupResponse>) {
        joins[MemberKey(group: group, member: member), default: []].append(promise)
    }

    mutating func parkSync(group: String, member: String, _ promise: EventLoopPromise<SyncGroupResponse>) {
        syncs[MemberKey(group: group, member: member), default: []].append(promise)
    }

    /// Takes the promises the effects answer; they are completed outside the shard's lock.
    mutating func take(_ effects: CoordinatorEffects) -> [Completion] {
        var out: [Completion] = []
        for answer in effects.joinAnswers {
            for promise in joins.removeValue(forKey: MemberKey(group: answer.groupId, member: answer.memberId)) ?? [] {
                out.append(.join(promise, answer.response))
            }
        }
        for answer in effects.syncAnswers {
            for promise in syncs.removeValue(forKey: MemberKey(group: answer.groupId, member: answer.memberId)) ?? [] {
                out.append(.sync(promise, answer.response))
            }
        }
        return out
    }

    /// Everything still parked, answered NOT_COORDINATOR (Kafka's onUnloaded): the client finds
    /// the coordinator again and rejoins.
    mutating func takeAll() -> [Completion] {
        var out: [Completion] = []
        for (key, promises) in joins {
            for promise in promises {
                out.append(.join(promise, JoinGroupResponse(errorCode: ErrorCode.notCoordinator.rawValue, memberId: key.member)))
            }
        }
        for (_, promises) in syncs {
            for promise in promises { out.append(.sync(promise, SyncGroupResponse(errorCode: ErrorCode.notCoordinator.rawValue))) }
        }
        joins = [:]
        syncs = [:]
        return out
    }

    enum Completion: Sendable {
        case join(EventLoopPromise<JoinGroupResponse>, JoinGroupResponse)
        case sync(EventLoopPromise<SyncGroupResponse>, SyncGroupResponse)

        func complete() {
            switch self {
            case .join(let promise, let response): promise.succeed(response)
            case .sync(let promise, let response): promise.succeed(response)
            }
        }
    }
}

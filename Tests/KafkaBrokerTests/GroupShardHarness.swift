import KafkaProtocol
import NIOCore

@testable import KafkaBroker

/// Drives a shard the way the runtime does, without sockets, disks or clocks: every result's
/// records are "appended" to an in-memory log and replayed, timers are kept in a table that the
/// test fires by hand, and answers to parked requests are collected per member.
final class GroupShardHarness {
    var shard: GroupCoordinatorShard
    var now: Int64 = 1_700_000_000_000
    /// Every record appended so far, in order.
    private(set) var log: [CoordinatorRecord] = []
    /// Active timers: key → (fires after ms, tag).
    private(set) var timers: [CoordinatorTimerKey: (afterMs: Int64, tag: Int32)] = [:]
    /// Answers to parked requests, by member id (the latest one).
    private(set) var joinAnswers: [String: JoinGroupResponse] = [:]
    private(set) var syncAnswers: [String: SyncGroupResponse] = [:]
    var topics: any TopicCatalog = StaticTopicCatalog([])
    private var uuid = 0

    init(config: GroupCoordinatorConfig = GroupShardHarness.config) {
        shard = GroupCoordinatorShard(partitionIndex: 0, config: config)
    }

    static var config: GroupCoordinatorConfig {
        var config = GroupCoordinatorConfig()
        config.initialRebalanceDelayMs = 3000
        return config
    }

    /// Appends and replays the records, then runs the effects, as the runtime does.
    @discardableResult
    func apply<R>(_ result: CoordinatorResult<R>) -> R {
        for record in result.records {
            shard.replay(record, offset: Int64(log.count))
            log.append(record)
        }
        for action in result.effects.timers {
            switch action {
            case .schedule(let key, let afterMs, let tag): timers[key] = (afterMs, tag)
            case .cancel(let key): timers[key] = nil
            }
        }
        for answer in result.effects.joinAnswers { joinAnswers[answer.memberId] = answer.response }
        for answer in result.effects.syncAnswers { syncAnswers[answer.memberId] = answer.response }
        return result.response
    }

    func classic(_ id: String) -> ClassicGroup? { shard.groups[id]?.classic }
    func consumer(_ id: String) -> ConsumerGroup? { shard.groups[id]?.consumer }

    // MARK: classic requests

    static func protocols(_ names: [String], topics: [String] = ["t"]) -> [JoinGroupRequest.JoinGroupRequestProtocol] {
        names.map { .init(name: $0, metadata: ConsumerProtocolCodec.encodeSubscription(topics)) }
    }

    /// JoinGroup as the coordinator runs it: the group-creation write first, then the join.
    func join(
        _ group: String, member: String = "", instance: String? = nil, protocols: [String] = ["range"],
        topics: [String] = ["t"], protocolType: String = "consumer", session: Int32 = 10_000, rebalance: Int32 = 60_000,
        version: Int16 = 9, client: String = "client"
    ) -> JoinReply {
        let request = JoinGroupRequest(
            groupId: group, sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance, memberId: member,
            groupInstanceId: instance, protocolType: protocolType, protocols: Self.protocols(protocols, topics: topics))
        if let creation = shard.groupCreationRecords(for: request, now: now) {
            apply(CoordinatorResult(records: creation, response: ()))
        }
        uuid += 1
        let context = ClassicJoinContext(
            clientId: client, clientHost: "/127.0.0.1", apiVersion: version, newMemberSuffix: "uuid\(uuid)")
        joinAnswers[member] = nil
        let result = shard.joinGroup(request, context: context, now: now)
        return apply(result)
    }

    /// A v4+ member's two-step join: MEMBER_ID_REQUIRED, then the join with the id it got.
    func joinNew(_ group: String, protocols: [String] = ["range"], topics: [String] = ["t"], client: String = "client") -> String {
        guard case .now(let first) = join(group, protocols: protocols, topics: topics, client: client),
              first.errorCode == ErrorCode.memberIdRequired.rawValue
        else { return "" }
        _ = join(group, member: first.memberId, protocols: protocols, topics: topics, client: client)
        return first.memberId
    }

    func sync(_ group: String, member: String, generation: Int32, assignments: [String: [String: [Int32]]] = [:], instance: String? = nil) -> SyncReply {
        syncAnswers[member] = nil
        let request = SyncGroupRequest(
            groupId: group, generationId: generation, memberId: member, groupInstanceId: instance,
            assignments: assignments.map { .init(memberId: $0.key, assignment: ConsumerProtocolCodec.encodeAssignment($0.value)) })
        return apply(shard.syncGroup(request, now: now))
    }

    func heartbeat(_ group: String, member: String, generation: Int32, instance: String? = nil) -> ErrorCode {
        let request = HeartbeatRequest(groupId: group, generationId: generation, memberId: member, groupInstanceId: instance)
        return ErrorCode(apply(shard.heartbeat(request, now: now)).errorCode)
    }

    func leave(_ group: String, _ members: [(String, String?)]) -> LeaveGroupResponse {
        apply(shard.leaveGroup(group, members: members.map { .init(memberId: $0.0, groupInstanceId: $0.1) }, now: now))
    }

    /// Fires a timer that is set (false when it is not).
    @discardableResult
    func fire(_ key: CoordinatorTimerKey) -> Bool {
        guard let timer = timers.removeValue(forKey: key) else { return false }
        now += timer.afterMs
        apply(shard.timerExpired(key, tag: timer.tag, topics: topics, now: now))
        return true
    }

    // MARK: KIP-848 requests

    func consumerHeartbeat(
        _ group: String, member: String, epoch: Int32, topics names: [String]? = nil, owned: [KafkaUUID: [Int32]]? = nil,
        instance: String? = nil, assignor: String? = nil, rebalanceTimeout: Int32 = -1, regex: String? = nil
    ) throws(BrokerError) -> ConsumerGroupHeartbeatResponse {
        let request = ConsumerGroupHeartbeatRequest(
            groupId: group, memberId: member, memberEpoch: epoch, instanceId: instance, rackId: nil,
            rebalanceTimeoutMs: rebalanceTimeout, subscribedTopicNames: names, subscribedTopicRegex: regex,
            serverAssignor: assignor,
            topicPartitions: owned.map { $0.map { .init(topicId: $0.key, partitions: $0.value) } })
        let context = ConsumerHeartbeatContext(clientId: "client", clientHost: "/127.0.0.1", newMemberId: "generated")
        return apply(try shard.consumerGroupHeartbeat(request, context: context, topics: topics, now: now))
    }

    /// A fresh shard with every record of the log replayed: what a restart loads.
    func reloaded() -> GroupCoordinatorShard {
        var fresh = GroupCoordinatorShard(partitionIndex: shard.partitionIndex, config: shard.config)
        for (offset, record) in log.enumerated() { fresh.replay(record, offset: Int64(offset)) }
        return fresh
    }
}

extension ParkableResponse {
    var nowResponse: Response? {
        if case .now(let response) = self { return response }
        return nil
    }

    var isParked: Bool {
        if case .parked = self { return true }
        return false
    }
}

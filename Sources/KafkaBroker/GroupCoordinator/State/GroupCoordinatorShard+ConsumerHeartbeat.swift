import KafkaProtocol

/// Who sent a ConsumerGroupHeartbeat.
public struct ConsumerHeartbeatContext: Sendable {
    public var clientId: String
    public var clientHost: String
    /// Used when a v0 member joins without an id (v1 clients generate their own, KIP-1082).
    public var newMemberId: String

    public init(clientId: String, clientHost: String, newMemberId: String) {
        self.clientId = clientId
        self.clientHost = clientHost
        self.newMemberId = newMemberId
    }
}

/// ConsumerGroupHeartbeat (KIP-848; Kafka's GroupMetadataManager.consumerGroupHeartbeat). The
/// shard computes records from the current state and changes nothing itself: replay applies
/// them. Three steps: update the member (a new subscription bumps the group epoch), compute a
/// new target assignment when the group epoch is ahead of it, and move the member toward its
/// target.
extension GroupCoordinatorShard {
    public func consumerGroupHeartbeat(
        _ request: ConsumerGroupHeartbeatRequest, context: ConsumerHeartbeatContext, topics: any TopicCatalog, now: Int64
    ) throws(BrokerError) -> CoordinatorResult<ConsumerGroupHeartbeatResponse> {
        try validate(request)
        if request.memberEpoch == ConsumerGroupMember.leaveEpoch || request.memberEpoch == ConsumerGroupMember.staticLeaveEpoch {
            return try consumerGroupLeave(request, topics: topics)
        }
        var records: [CoordinatorRecord] = []
        var effects = CoordinatorEffects()
        let joining = request.memberEpoch == 0
        let group = try consumerGroupForHeartbeat(request.groupId, create: joining, records: &records)
        let memberId = request.memberId.isEmpty ? context.newMemberId : request.memberId
        if group.members.count >= config.consumerGroupMaxSize && group.members[memberId] == nil {
            throw BrokerError(.groupMaxSizeReached, "consumer group \(group.groupId) has reached its maximum of \(config.consumerGroupMaxSize) members")
        }
        let (member, replaced) = try memberForHeartbeat(group, memberId, request, records: &records)

        // 1. The member, and the group epoch if its subscription changed.
        var updated = member
        if let instance = request.instanceId { updated.instanceId = instance }
        if let rack = request.rackId { updated.rackId = rack }
        if request.rebalanceTimeoutMs != -1 { updated.rebalanceTimeoutMs = request.rebalanceTimeoutMs }
        if let assignor = request.serverAssignor { updated.serverAssignor = assignor }
        if let names = request.subscribedTopicNames { updated.subscribedTopicNames = Array(Set(names)).sorted() }
        if let regex = request.subscribedTopicRegex { updated.subscribedTopicRegex = regex.isEmpty ? nil : regex }
        updated.clientId = context.clientId
        updated.clientHost = context.clientHost
        var bump = false
        if updated.metadataValue != member.metadataValue {
            records.append(.consumerGroupMemberMetadata(group: group.groupId, member: memberId, updated.metadataValue))
            bump = updated.subscribedTopicNames != member.subscribedTopicNames
                || updated.subscribedTopicRegex != member.subscribedTopicRegex
        }
        let metadata = subscriptionMetadata(group, replacing: replaced ?? member, with: updated, topics: topics)
        if metadata != group.subscriptionMetadata {
            bump = true
            records.append(.consumerGroupPartitionMetadata(group: group.groupId, ConsumerGroupPartitionMetadataValue(
                topics: metadata.keys.sorted().compactMap { name in
                    metadata[name].map { .init(topicId: $0.id, topicName: $0.name, numPartitions: $0.partitions) }
                })))
        }
        var groupEpoch = group.groupEpoch
        if bump {
            groupEpoch &+= 1
            records.append(.consumerGroupMetadata(group: group.groupId, ConsumerGroupMetadataValue(epoch: groupEpoch)))
        }

        // 2. The target assignment.
        let targetEpoch: Int32
        let target: TopicPartitionAssignment
        if groupEpoch > group.targetAssignmentEpoch {
            target = try updateTargetAssignment(
                group, epoch: groupEpoch, member: updated, replacing: replaced, metadata: metadata, topics: topics,
                records: &records)
            targetEpoch = groupEpoch
        } else {
            targetEpoch = group.targetAssignmentEpoch
            target = group.targetAssignment[replaced?.memberId ?? memberId] ?? group.targetAssignment[memberId] ?? [:]
        }

        // 3. Reconciliation.
        var reconciled = updated
        if !updated.isReconciled(to: targetEpoch) {
            let owners = partitionEpochs(group, excluding: replaced?.memberId)
            let reconciler = MemberReconciler(
                targetEpoch: targetEpoch, target: target,
                partitionEpoch: { topic, partition in owners[TopicIdPartition(topic: topic, partition: partition)] ?? -1 },
                owned: request.topicPartitions)
            reconciled = try reconciler.reconcile(updated)
            if reconciled != updated || replaced != nil {
                records.append(.consumerGroupCurrentMemberAssignment(group: group.groupId, member: memberId, reconciled.assignmentValue))
                if reconciled.state == .unrevokedPartitions {
                    effects.schedule(
                        .consumerRebalance(group: group.groupId, member: memberId), afterMs: Int64(reconciled.rebalanceTimeoutMs),
                        tag: reconciled.memberEpoch)
                } else {
                    effects.cancel(.consumerRebalance(group: group.groupId, member: memberId))
                }
            }
        } else if replaced != nil || group.members[memberId] == nil {
            records.append(.consumerGroupCurrentMemberAssignment(group: group.groupId, member: memberId, reconciled.assignmentValue))
        }
        if let replaced { effects.append(cancelConsumerTimers(group.groupId, replaced.memberId)) }
        effects.schedule(.consumerSession(group: group.groupId, member: memberId), afterMs: Int64(config.consumerSessionTimeoutMs))

        var response = ConsumerGroupHeartbeatResponse(
            errorCode: 0, memberId: memberId, memberEpoch: reconciled.memberEpoch,
            heartbeatIntervalMs: config.consumerHeartbeatIntervalMs)
        let fullRequest = joining
            || (request.rebalanceTimeoutMs != -1 && request.subscribedTopicNames != nil && request.topicPartitions != nil)
        if fullRequest || reconciled.assignedPartitions != member.assignedPartitions {
            response.assignment = .init(topicPartitions: reconciled.assignedPartitions.keys.sorted(by: KafkaUUID.ordered).map {
                .init(topicId: $0, partitions: (reconciled.assignedPartitions[$0] ?? []).sorted())
            })
        }
        return CoordinatorResult(records: records, response: response, effects: effects)
    }

    /// Kafka's throwIfConsumerGroupHeartbeatRequestIsInvalid.
    private func validate(_ request: ConsumerGroupHeartbeatRequest) throws(BrokerError) {
        guard !request.groupId.isEmpty else { throw BrokerError(.invalidRequest, "GroupId can't be empty.") }
        if request.instanceId?.isEmpty == true { throw BrokerError(.invalidRequest, "InstanceId can't be empty.") }
        if request.rackId?.isEmpty == true { throw BrokerError(.invalidRequest, "RackId can't be empty.") }
        switch request.memberEpoch {
        case 0:
            if request.rebalanceTimeoutMs == -1 {
                throw BrokerError(.invalidRequest, "RebalanceTimeoutMs must be provided in first request.")
            }
            if request.topicPartitions?.isEmpty != true {
                throw BrokerError(.invalidRequest, "TopicPartitions must be empty when (re-)joining.")
            }
            if request.subscribedTopicNames == nil && request.subscribedTopicRegex == nil {
                throw BrokerError(.invalidRequest, "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.")
            }
        case ConsumerGroupMember.staticLeaveEpoch:
            if request.memberId.isEmpty { throw BrokerError(.invalidRequest, "MemberId can't be empty.") }
            if request.instanceId == nil { throw BrokerError(.invalidRequest, "InstanceId can't be null.") }
        case let epoch where epoch > 0 || epoch == ConsumerGroupMember.leaveEpoch:
            if request.memberId.isEmpty { throw BrokerError(.invalidRequest, "MemberId can't be empty.") }
        default:
            throw BrokerError(.invalidRequest, "MemberEpoch is invalid.")
        }
        if let assignor = request.serverAssignor, !config.consumerAssignors.contains(assignor) {
            throw BrokerError(.unsupportedAssignor, "ServerAssignor \(assignor) is not supported. Supported assignors: \(config.consumerAssignors.joined(separator: ", ")).")
        }
        if let regex = request.subscribedTopicRegex, !regex.isEmpty, (try? Regex(regex)) == nil {
            throw BrokerError(.invalidRegularExpression, "SubscribedTopicRegex \(regex) is not a valid regular expression.")
        }
    }

    /// The group a heartbeat goes to. A joining member creates it, replacing an empty classic
    /// group of the same id (with tombstones); anything else is an error.
    private func consumerGroupForHeartbeat(_ groupId: String, create: Bool, records: inout [CoordinatorRecord]) throws(BrokerError) -> ConsumerGroup {
        switch group(groupId) {
        case .consumer(let group)?:
            return group
        case .classic(let classic)?:
            guard create, classic.state == .empty else {
                throw BrokerError(.groupIdNotFound, "group \(groupId) is not a consumer group")
            }
            records.append(.groupMetadata(group: groupId, nil))
            return ConsumerGroup(groupId: groupId)
        case nil:
            // A member of a group that is gone (deleted, or never was) rejoins.
            guard create else { throw BrokerError(.unknownMemberId, "consumer group \(groupId) does not exist") }
            return ConsumerGroup(groupId: groupId)
        }
    }

    /// The member a heartbeat is for, and the member it replaces (a static member restarting
    /// under a new id). Epochs are checked as Kafka does: ahead of the coordinator is fenced;
    /// behind is fenced unless it is the previous epoch and the member owns only its partitions.
    private func memberForHeartbeat(
        _ group: ConsumerGroup, _ memberId: String, _ request: ConsumerGroupHeartbeatRequest, records: inout [CoordinatorRecord]
    ) throws(BrokerError) -> (ConsumerGroupMember, replaced: ConsumerGroupMember?) {
        let joining = request.memberEpoch == 0
        if let instance = request.instanceId {
            let existing = group.staticMember(instance)
            if joining {
                guard let existing else { return (group.members[memberId] ?? ConsumerGroupMember(memberId: memberId), nil) }
                if existing.memberId == memberId { return (rejoined(existing), nil) }
                guard existing.memberEpoch == ConsumerGroupMember.staticLeaveEpoch else {
                    throw BrokerError(.unreleasedInstanceId, "static member \(memberId) with instance id \(instance) cannot join: the instance id is owned by \(existing.memberId)")
                }
                // The new id takes the old member's place, assignment included (Kafka's replaceMember).
                var successor = rejoined(existing)
                successor.memberId = memberId
                records += memberTombstones(group.groupId, existing.memberId)
                records.append(.consumerGroupMemberMetadata(group: group.groupId, member: memberId, successor.metadataValue))
                records.append(.consumerGroupTargetAssignmentMember(
                    group: group.groupId, member: memberId,
                    ConsumerGroupTargetAssignmentMemberValue(partitions: group.targetAssignment[existing.memberId] ?? [:])))
                records.append(.consumerGroupCurrentMemberAssignment(group: group.groupId, member: memberId, successor.assignmentValue))
                return (successor, existing)
            }
            guard let existing else { throw BrokerError(.unknownMemberId, "instance id \(instance) is unknown") }
            guard existing.memberId == memberId else {
                throw BrokerError(.fencedInstanceId, "static member \(memberId) with instance id \(instance) was fenced by member \(existing.memberId)")
            }
            try checkEpoch(existing, request)
            return (existing, nil)
        }
        guard let existing = group.members[memberId] else {
            guard joining else { throw BrokerError(.unknownMemberId, "member \(memberId) is not in group \(group.groupId)") }
            return (ConsumerGroupMember(memberId: memberId), nil)
        }
        // Epoch 0 from a known member: it was fenced and rejoins under its id (KIP-1082).
        if joining { return (rejoined(existing), nil) }
        try checkEpoch(existing, request)
        return (existing, nil)
    }

    /// A member rejoining at epoch 0 starts over at epoch 0, keeping what it was assigned.
    private func rejoined(_ member: ConsumerGroupMember) -> ConsumerGroupMember {
        var copy = member
        copy.memberEpoch = 0
        copy.previousMemberEpoch = 0
        return copy
    }

    private func checkEpoch(_ member: ConsumerGroupMember, _ request: ConsumerGroupHeartbeatRequest) throws(BrokerError) {
        let received = request.memberEpoch
        if received > member.memberEpoch {
            throw BrokerError(.fencedMemberEpoch, "the member epoch \(received) is ahead of the coordinator's \(member.memberEpoch); the member must abandon its partitions and rejoin")
        }
        if received < member.memberEpoch {
            let ownsOnlyAssigned = request.topicPartitions.map { owned in
                owned.allSatisfy { entry in
                    guard let assigned = member.assignedPartitions[entry.topicId] else { return entry.partitions.isEmpty }
                    return entry.partitions.allSatisfy { assigned.contains($0) }
                }
            } ?? false
            guard received == member.previousMemberEpoch, ownsOnlyAssigned else {
                throw BrokerError(.fencedMemberEpoch, "the member epoch \(received) is behind the coordinator's \(member.memberEpoch); the member must abandon its partitions and rejoin")
            }
        }
    }

    /// The subscribed topics that exist, with the updated member's subscription in place of the old one.
    func subscriptionMetadata(
        _ group: ConsumerGroup, replacing old: ConsumerGroupMember?, with new: ConsumerGroupMember?, topics: any TopicCatalog
    ) -> [String: SubscribedTopic] {
        var members = group.members
        if let old { members[old.memberId] = nil }
        if let new { members[new.memberId] = new }
        var names = Set<String>()
        var regexes = Set<String>()
        for member in members.values {
            names.formUnion(member.subscribedTopicNames)
            if let regex = member.subscribedTopicRegex { regexes.insert(regex) }
        }
        for name in Self.regexMatches(regexes, topics: topics) { names.insert(name) }
        var out: [String: SubscribedTopic] = [:]
        for name in names { if let topic = topics.topic(named: name) { out[name] = topic } }
        return out
    }

    /// Topic names that fully match one of the regexes.
    static func regexMatches(_ patterns: Set<String>, topics: any TopicCatalog) -> Set<String> {
        guard !patterns.isEmpty else { return [] }
        let compiled = patterns.compactMap { try? Regex($0) }
        var out = Set<String>()
        for name in topics.topicNames() where compiled.contains(where: { (try? $0.wholeMatch(in: name)) != nil }) {
            out.insert(name)
        }
        return out
    }

    /// The topic ids a member subscribes to, among those the group knows.
    func subscribedTopicIds(_ member: ConsumerGroupMember, metadata: [String: SubscribedTopic], topics: any TopicCatalog) -> Set<KafkaUUID> {
        var names = Set(member.subscribedTopicNames)
        if let regex = member.subscribedTopicRegex { names.formUnion(Self.regexMatches([regex], topics: topics)) }
        return Set(names.compactMap { metadata[$0]?.id })
    }

    /// Runs the assignor over every member and records each changed target plus the new target
    /// epoch (Kafka's TargetAssignmentBuilder). Returns the member's new target.
    private func updateTargetAssignment(
        _ group: ConsumerGroup, epoch: Int32, member: ConsumerGroupMember, replacing replaced: ConsumerGroupMember?,
        metadata: [String: SubscribedTopic], topics: any TopicCatalog, records: inout [CoordinatorRecord]
    ) throws(BrokerError) -> TopicPartitionAssignment {
        var members = group.members
        if let replaced { members[replaced.memberId] = nil }
        members[member.memberId] = member
        let preferred = group.preferredServerAssignor(replacing: replaced ?? group.members[member.memberId], with: member)
        let name = preferred ?? config.consumerAssignors.first ?? "uniform"
        guard let assignor = PartitionAssignors.all[name] else {
            throw BrokerError(.unknownServerError, "no assignor named \(name)")
        }
        let spec = AssignmentSpec(
            members: members.values.map { m in
                let current = group.targetAssignment[m.memberId]
                    ?? (m.memberId == member.memberId ? replaced.flatMap { group.targetAssignment[$0.memberId] } : nil)
                    ?? [:]
                return AssignmentMember(
                    memberId: m.memberId, instanceId: m.instanceId,
                    subscribedTopics: subscribedTopicIds(m, metadata: metadata, topics: topics), current: current)
            },
            partitionCounts: Dictionary(metadata.values.map { ($0.id, $0.partitions) }, uniquingKeysWith: { a, _ in a }))
        let assignment = assignor.assign(spec)
        for id in members.keys.sorted() {
            let next = assignment[id] ?? [:]
            if next != group.targetAssignment[id] {
                records.append(.consumerGroupTargetAssignmentMember(
                    group: group.groupId, member: id, ConsumerGroupTargetAssignmentMemberValue(partitions: next)))
            }
        }
        records.append(.consumerGroupTargetAssignmentMetadata(group: group.groupId, ConsumerGroupTargetAssignmentMetadataValue(assignmentEpoch: epoch)))
        return assignment[member.memberId] ?? [:]
    }

    /// Who owns (or is revoking) each partition, at which epoch.
    private func partitionEpochs(_ group: ConsumerGroup, excluding excluded: String?) -> [TopicIdPartition: Int32] {
        var out: [TopicIdPartition: Int32] = [:]
        for member in group.members.values where member.memberId != excluded {
            for partition in member.assignedPartitions.sortedPartitions { out[partition] = member.memberEpoch }
            for partition in member.partitionsPendingRevocation.sortedPartitions { out[partition] = member.memberEpoch }
        }
        return out
    }
}

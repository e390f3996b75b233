import KafkaProtocol
import NIOCore

extension ClassicGroup {
    /// Applies a GroupMetadata record (replay, for live traffic and loading alike). The record's
    /// fields replace the stored ones; a member that is still here keeps its soft state (full
    /// protocol list when its stored subscription is unchanged, parked-request flags). A group
    /// with members is Stable after a record, an empty one Empty: Kafka writes these records only
    /// when the leader's assignment is stored, when a static member is replaced, and when a group
    /// is created or becomes empty.
    mutating func apply(_ value: GroupMetadataValue) {
        let previous = members
        generationId = value.generation
        protocolType = value.protocolType.isEmpty ? nil : value.protocolType
        protocolName = value.protocolName
        leaderId = value.leader
        currentStateTimestamp = value.currentStateTimestamp < 0 ? nil : value.currentStateTimestamp
        hasMetadataRecord = true
        members = [:]
        staticMembers = [:]
        for stored in value.members {
            var member = previous[stored.memberId] ?? ClassicGroupMember(memberId: stored.memberId)
            member.groupInstanceId = stored.groupInstanceId
            member.clientId = stored.clientId
            member.clientHost = stored.clientHost
            member.sessionTimeoutMs = stored.sessionTimeoutMs
            // Records before version 1 have no rebalance timeout; Kafka uses the session timeout.
            member.rebalanceTimeoutMs = stored.rebalanceTimeoutMs == -1 ? stored.sessionTimeoutMs : stored.rebalanceTimeoutMs
            member.protocolType = value.protocolType
            if member.metadata(for: value.protocolName) != stored.subscription {
                member.supportedProtocols = [ClassicProtocol(name: value.protocolName ?? "", metadata: stored.subscription)]
            }
            member.assignment = stored.assignment
            members[stored.memberId] = member
            if let instance = stored.groupInstanceId { staticMembers[instance] = stored.memberId }
        }
        pendingSyncMembers.formIntersection(members.keys)
        let next: ClassicGroupState = members.isEmpty ? .empty : .stable
        if next != state {
            previousState = state
            state = next
        }
        if next == .empty {
            initialRebalanceRemainingMs = nil
            newMemberAdded = false
        }
    }

    /// The record Kafka writes for this group with these assignments (newGroupMetadataRecord):
    /// every member with its metadata for the chosen protocol.
    func metadataRecord(assignments: [String: ByteBuffer], currentStateTimestamp: Int64?) -> CoordinatorRecord {
        let stored = sortedMembers.map { member in
            GroupMetadataValue.Member(
                memberId: member.memberId, groupInstanceId: member.groupInstanceId, clientId: member.clientId,
                clientHost: member.clientHost, rebalanceTimeoutMs: member.rebalanceTimeoutMs,
                sessionTimeoutMs: member.sessionTimeoutMs,
                subscription: member.metadata(for: protocolName) ?? ByteBuffer(),
                assignment: assignments[member.memberId] ?? ByteBuffer())
        }
        return .groupMetadata(group: groupId, GroupMetadataValue(
            protocolType: protocolType ?? "", generation: generationId, protocolName: protocolName, leader: leaderId,
            currentStateTimestamp: currentStateTimestamp ?? -1, members: stored))
    }

    /// The record of a group that just became empty at `generation` (protocol and leader gone).
    func emptyRecord(generation: Int32, now: Int64) -> CoordinatorRecord {
        .groupMetadata(group: groupId, GroupMetadataValue(
            protocolType: protocolType ?? "", generation: generation, protocolName: nil, leader: nil,
            currentStateTimestamp: now, members: []))
    }

    /// The record that creates a group for its first JoinGroup (newEmptyGroupMetadataRecord).
    static func creationRecord(groupId: String, now: Int64) -> CoordinatorRecord {
        .groupMetadata(group: groupId, GroupMetadataValue(
            protocolType: "", generation: 0, protocolName: nil, leader: nil, currentStateTimestamp: now, members: []))
    }
}

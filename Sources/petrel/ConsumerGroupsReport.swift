import KafkaClient

/// What the `consumer-groups` commands show of one group: its state and members, and per
/// partition the committed offset, the end offset, the lag and the owner. Gathered first, so
/// that printing cannot fail halfway.
struct ConsumerGroupReport {
    struct Row: Equatable {
        var topic: String
        var partition: Int32
        var committed: Int64?
        var end: Int64?
        var owner: GroupMemberDescription?

        /// End minus committed; nil without a committed offset.
        var lag: Int64? {
            guard let committed, let end else { return nil }
            return max(0, end - committed)
        }
    }

    var groupId: String
    var state: String
    /// "classic" or "consumer" (the protocol), and its assignor.
    var type: String
    var assignor: String
    var members: [GroupMemberDescription]
    var rows: [Row]

    var totalLag: Int64 { rows.compactMap(\.lag).reduce(0, +) }

    /// Nil when the broker knows nothing of the group: no members, no offsets.
    static func gather(client: KafkaClient, group: String, listing: GroupListing? = nil) async throws -> ConsumerGroupReport? {
        let description = try await client.describeGroup(group)
        let committed = try await client.committedOffsets(group: group)
        if description == nil && committed.isEmpty { return nil }
        var owners: [String: [Int32: GroupMemberDescription]] = [:]
        for member in description?.members ?? [] {
            for (topic, partitions) in member.partitions {
                for partition in partitions { owners[topic, default: [:]][partition] = member }
            }
        }
        var rows: [Row] = []
        for topic in Set(committed.keys).union(owners.keys).sorted() {
            let partitions = Set(committed[topic]?.keys.map { $0 } ?? []).union(owners[topic]?.keys.map { $0 } ?? []).sorted()
            // A topic deleted since the commit has no end offsets; its rows show "-".
            let ends = try? await client.listOffsets(topic: topic, partitions: partitions, spec: .latest)
            for partition in partitions {
                rows.append(Row(
                    topic: topic, partition: partition, committed: committed[topic]?[partition]?.offset,
                    end: ends?[partition], owner: owners[topic]?[partition]))
            }
        }
        let type = description?.type ?? (listing?.type.isEmpty == false ? listing?.type ?? "classic" : "classic")
        return ConsumerGroupReport(
            groupId: group, state: description?.state ?? listing?.state ?? "Empty", type: type,
            assignor: description?.assignor ?? "", members: description?.members ?? [], rows: rows)
    }

    func render() -> String {
        let protocolText = assignor.isEmpty ? type : "\(type) (\(assignor))"
        var lines = [
            "Group:      \(groupId)",
            "State:      \(state)",
            "Protocol:   \(protocolText)",
            "Members:    \(members.count)",
            "Total lag:  \(totalLag)",
            "",
        ]
        if rows.isEmpty {
            lines.append("No partitions are assigned or committed yet.")
            return lines.joined(separator: "\n")
        }
        var table = [["TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "OWNER"]]
        for row in rows {
            table.append([
                row.topic, "\(row.partition)", row.committed.map(String.init) ?? "-", row.end.map(String.init) ?? "-",
                row.lag.map(String.init) ?? "-", row.owner.map(Self.owner) ?? "-",
            ])
        }
        lines += Table.render(table)
        return lines.joined(separator: "\n")
    }

    static func owner(_ member: GroupMemberDescription) -> String {
        let name = member.instanceId ?? (member.clientId.isEmpty ? member.memberId : member.clientId)
        return member.clientHost.isEmpty ? name : "\(name) (\(member.clientHost))"
    }
}

import ArgumentParser
import KafkaClient

/// `petrel consumer-groups`: every consumer group with its state, member count and total lag.
struct ConsumerGroupsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer-groups", abstract: "List consumer groups with their state, members and lag.")

    @OptionGroup var connection: TopicsConnectionOptions

    func run() async throws {
        let reports = try await connection.withClient { client in
            var out: [ConsumerGroupReport] = []
            for listing in try await client.listGroups() {
                if let report = try await ConsumerGroupReport.gather(client: client, group: listing.groupId, listing: listing) {
                    out.append(report)
                }
            }
            return out
        }
        guard !reports.isEmpty else {
            print("No consumer groups yet; a consumer that subscribes with a group.id creates one.")
            return
        }
        var rows = [["GROUP", "STATE", "MEMBERS", "LAG"]]
        for report in reports {
            rows.append([report.groupId, report.state, "\(report.members.count)", "\(report.totalLag)"])
        }
        for line in Table.render(rows) { print(line) }
    }
}

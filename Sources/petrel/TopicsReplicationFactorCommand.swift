import ArgumentParser
import Foundation
import KafkaClient

/// `petrel topics:replication-factor NAME N`: changes how many copies each partition of a topic
/// has, through a partition reassignment (AlterPartitionReassignments), and shows its progress
/// until every partition has its new replicas, all in sync.
struct TopicsReplicationFactorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics:replication-factor", abstract: "Change a topic's replication factor (copies of each partition).")

    @Argument(help: "The topic name.") var name: String
    @Argument(help: "The new replication factor.") var replicationFactor: Int
    @OptionGroup var connection: TopicsConnectionOptions

    /// What replication factors are allowed. Managed plans will pass a minimum of 3.
    var limits = ReplicationFactorLimits()

    enum CodingKeys: CodingKey {
        case name, replicationFactor, connection
    }

    func run() async throws {
        let name = try TopicsInput.topicName(self.name)
        try limits.checkMinimum(replicationFactor)
        let target = replicationFactor
        try await connection.withClient { client in
            let topic = try await client.describeTopic(name)
            let cluster = try await client.refreshMetadata(topics: [])
            try limits.checkBrokers(target, brokers: cluster.brokers.count)
            let brokers = cluster.brokers.keys.sorted().map { ReplicationFactorPlanner.Broker(id: $0, rack: cluster.racks[$0]) }
            let current = Dictionary(uniqueKeysWithValues: topic.partitions.map { ($0.partition, $0.replicas) })
            let plan = ReplicationFactorPlanner.plan(current: current, brokers: brokers, replicationFactor: target)
            if plan.isEmpty {
                print("Topic \(name) already has replication factor \(target).")
                return
            }
            let targets = plan.keys.sorted().map { ReassignmentTarget(topic: name, partition: $0, replicas: plan[$0]) }
            let refused = try await client.alterPartitionReassignments(targets)
            if let first = targets.first(where: { refused[$0] != nil }), let error = refused[first] { throw error }
            print("Moving \(name) to replication factor \(target): \(plan.count) of \(topic.partitions.count) partitions change.")
            try await Self.waitUntilDone(client, topic: name, plan: plan)
            print("Topic \(name) now has replication factor \(target), every replica in sync.")
        }
    }

    /// Polls the reassignments and the ISRs, printing a line whenever the count of partitions
    /// done changes, until every planned partition has exactly its new replicas, all in sync.
    static func waitUntilDone(_ client: KafkaClient, topic: String, plan: [Int32: [Int32]]) async throws {
        var reported = -1
        let partitions = plan.keys.sorted()
        while true {
            let moving = try await client.listPartitionReassignments([topic: partitions])
            let described = try await client.describeTopic(topic)
            let done = partitions.filter { index in
                guard !moving.contains(where: { $0.partition == index }), let p = described.partition(index),
                    let wanted = plan[index]
                else { return false }
                return Set(p.replicas) == Set(wanted) && Set(p.isr) == Set(wanted)
            }
            if done.count != reported {
                reported = done.count
                let catchingUp = moving.map { m in
                    let isr = described.partition(m.partition)?.isr ?? []
                    return "\(m.partition) (\(m.adding.filter { !isr.contains($0) }.count) catching up)"
                }
                let detail = catchingUp.isEmpty ? "" : "; moving: " + catchingUp.prefix(5).joined(separator: ", ")
                print("  \(done.count)/\(partitions.count) partitions done\(detail)")
            }
            if done.count == partitions.count { return }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}

/// The replication factors `topics:replication-factor` accepts: at least `minimum` (1 here; a
/// managed plan passes 3) and at most one replica per broker.
struct ReplicationFactorLimits {
    var minimum = 1

    func checkMinimum(_ value: Int) throws {
        guard value >= minimum else {
            if minimum <= 1 {
                throw CLIError("The replication factor must be 1 or more, but got \(value); pass e.g. 3.")
            }
            throw CLIError("The replication factor must be \(minimum) or more on this plan, but got \(value); pass e.g. \(minimum).")
        }
    }

    func checkBrokers(_ value: Int, brokers: Int) throws {
        guard value <= brokers else {
            throw CLIError(
                "The replication factor \(value) is more than the \(brokers) broker\(brokers == 1 ? "" : "s") in the cluster; pass at most \(brokers).")
        }
    }
}

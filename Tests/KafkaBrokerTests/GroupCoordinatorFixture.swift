import Foundation
import KafkaProtocol
import Logging

@testable import KafkaBroker

/// Broker services whose coordinators are loaded: the group coordinator of the broker (and its
/// transaction coordinator), with `__consumer_offsets` in 5 partitions unless told otherwise,
/// restarted at will. Every start waits until every coordinator shard is installed, since
/// shards load when this broker becomes the leader of their partitions.
final class GroupCoordinatorFixture {
    static let logger = BrokerFixture.logger
    let broker: BrokerFixture

    private init(broker: BrokerFixture) {
        self.broker = broker
    }

    static func make(
        partitions: Int32 = 5, identity: BrokerIdentity = BrokerIdentity(nodeId: 1, host: "127.0.0.1", port: 9092),
        clock: @escaping @Sendable () -> Int64 = WallClock.nowMs, configure: (inout GroupCoordinatorConfig) -> Void = { _ in }
    ) async throws -> GroupCoordinatorFixture {
        let broker = try await BrokerFixture.make(identity: identity, clock: clock) { options in
            options.groupCoordinator.offsetsTopicPartitions = partitions
            configure(&options.groupCoordinator)
            // Timed-out transactions are aborted only when a test runs the background work.
            options.transactionCoordinator.abortTimedOutIntervalMs = 3_600_000
        }
        try await broker.waitForCoordinators()
        return GroupCoordinatorFixture(broker: broker)
    }

    var path: String { broker.dataDir }
    var config: GroupCoordinatorConfig { broker.options.groupCoordinator }
    var topics: TopicRegistry { broker.topics }
    var coordinator: GroupCoordinator { broker.services.groupCoordinator }

    /// Stops and starts again on the same directory: cleanly, or as after kill -9 (the old
    /// logs are never closed, so no clean-shutdown marker or checkpoint is written).
    func restart(clean: Bool, config: GroupCoordinatorConfig? = nil) async throws {
        try await broker.restart(clean: clean) { options in
            if let config { options.groupCoordinator = config }
        }
        try await broker.waitForCoordinators()
    }

    /// Creates a topic and waits until this broker leads all of it.
    func createTopic(name: String, partitions: Int32, replicationFactor: Int16 = 1, configs: [String: String] = [:]) async throws {
        try await broker.createTopic(name: name, partitions: partitions, replicationFactor: replicationFactor, configs: configs)
    }

    var offsetCommit: OffsetCommitHandler { OffsetCommitHandler(topics: topics, groups: coordinator) }
    var offsetFetch: OffsetFetchHandler { OffsetFetchHandler(groups: coordinator) }

    func fetch(_ group: String, _ topics: [(String, [Int32])]?, version: Int16 = 6) -> [String: Int64] {
        let request = OffsetFetchRequest(groupId: group, topics: topics?.map { .init(name: $0.0, partitionIndexes: $0.1) })
        var out: [String: Int64] = [:]
        for topic in offsetFetch.response(to: request, version: version).topics {
            for p in topic.partitions { out["\(topic.name)-\(p.partitionIndex)"] = p.committedOffset }
        }
        return out
    }
}

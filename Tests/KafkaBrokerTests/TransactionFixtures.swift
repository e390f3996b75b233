import Foundation
import KafkaProtocol
import Logging

@testable import KafkaBroker

extension GroupCoordinatorFixture {
    /// A transaction coordinator over the fixture's topics (5 partitions of __transaction_state).
    func transactionCoordinator(clock: @escaping @Sendable () -> Int64 = { 1_700_000_000_000 }) throws -> TransactionCoordinator {
        var config = TransactionCoordinatorConfig()
        config.logPartitions = 5
        return try TransactionCoordinator.start(
            config: config, topics: topics, groups: coordinator, producerIds: try ProducerIdManager(dataDir: path),
            clock: clock, logger: Self.logger)
    }

    func findCoordinator() throws -> FindCoordinatorHandler {
        FindCoordinatorHandler(
            identity: BrokerIdentity(nodeId: 1, host: "h", port: 1), groups: coordinator, transactions: try transactionCoordinator())
    }
}

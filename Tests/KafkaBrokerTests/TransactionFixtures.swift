import Foundation
import KafkaProtocol
import Logging

@testable import KafkaBroker

extension GroupCoordinatorFixture {
    /// The broker's transaction coordinator (5 partitions of __transaction_state, loaded: the
    /// fixture waits for every shard at each start). Its clock is the fixture's.
    var transactionCoordinator: TransactionCoordinator { broker.services.transactionCoordinator }

    func findCoordinator() -> FindCoordinatorHandler {
        FindCoordinatorHandler(topics: topics, groups: coordinator, transactions: transactionCoordinator)
    }
}

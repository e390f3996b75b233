import KafkaProtocol

/// DescribeTransactions v0: state, producer, timeout and partitions of each transactional id.
struct DescribeTransactionsHandler: ApiHandler {
    typealias Request = DescribeTransactionsRequest
    let versions: ClosedRange<Int16> = 0...0
    let transactions: TransactionCoordinator

    func handle(_ request: DescribeTransactionsRequest, context: RequestContext) -> HandlerResult<DescribeTransactionsResponse> {
        .respond(DescribeTransactionsResponse(transactionStates: request.transactionalIds.map { transactions.describe(transactionalId: $0) }))
    }
}

import KafkaProtocol

/// ListTransactions v0-v1: transactional ids filtered by state, producer id and (v1) by how
/// long their transaction has been running.
struct ListTransactionsHandler: ApiHandler {
    typealias Request = ListTransactionsRequest
    let versions: ClosedRange<Int16> = 0...1
    let transactions: TransactionCoordinator

    func handle(_ request: ListTransactionsRequest, context: RequestContext) -> HandlerResult<ListTransactionsResponse> {
        let duration = context.apiVersion >= 1 ? request.durationFilter : -1
        return .respond(transactions.list(states: request.stateFilters, producerIds: request.producerIdFilters, longerThanMs: duration))
    }
}

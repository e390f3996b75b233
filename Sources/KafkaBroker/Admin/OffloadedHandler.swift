import KafkaProtocol
import NIOCore

/// Serves a handler on the admin executor instead of the connection's event loop: for APIs
/// whose work is file creation, deletion or fsync (CreateTopics, DeleteTopics, config changes).
struct OffloadedHandler<Inner: ApiHandler>: ApiHandler {
    typealias Request = Inner.Request
    let inner: Inner
    let executor: AdminExecutor

    init(_ inner: Inner, on executor: AdminExecutor) {
        self.inner = inner
        self.executor = executor
    }

    var versions: ClosedRange<Int16> { inner.versions }

    func handle(_ request: Request, context: RequestContext) -> HandlerResult<Request.Response> {
        let inner = self.inner
        let result = executor.run(on: context.eventLoop) { inner.handle(request, context: context) }
        return .later(result.flatMap { outcome in
            switch outcome {
            case .respond(let response): context.eventLoop.makeSucceededFuture(response)
            case .later(let future): future
            case .noResponse: context.eventLoop.makeFailedFuture(OffloadError.noResponse(Inner.Request.apiKey))
            }
        })
    }

    /// Admin APIs always answer; a handler that does not is a bug, and closes the connection.
    enum OffloadError: Error {
        case noResponse(Int16)
    }
}

import KafkaProtocol
import NIOCore

/// A Kafka API whose work waits on something slow: the cluster's metadata store (topic admin,
/// configs). It runs as a Swift task; the connection's event loop only receives the answer.
public protocol AsyncApiHandler: Sendable {
    associatedtype Request: KafkaRequest
    var versions: ClosedRange<Int16> { get }
    func handle(_ request: Request, context: RequestContext) async -> Request.Response
}

/// Serves an async handler through the registry.
struct AsyncHandlerAdapter<Inner: AsyncApiHandler>: ApiHandler {
    typealias Request = Inner.Request
    let inner: Inner

    var versions: ClosedRange<Int16> { inner.versions }

    func handle(_ request: Request, context: RequestContext) -> HandlerResult<Request.Response> {
        let inner = self.inner
        return .later(context.eventLoop.makeFutureWithTask { await inner.handle(request, context: context) })
    }
}

extension ApiRegistry {
    public mutating func register<H: AsyncApiHandler>(_ handler: H) {
        register(AsyncHandlerAdapter(inner: handler))
    }
}

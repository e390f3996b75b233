import KafkaProtocol
import NIOCore

/// One Kafka API. A handler states the versions it really implements; ApiVersions advertises
/// exactly those, built from the registry.
public protocol ApiHandler: Sendable {
    associatedtype Request: KafkaRequest
    var versions: ClosedRange<Int16> { get }
    func handle(_ request: Request, context: RequestContext) -> HandlerResult<Request.Response>
}

/// What a handler gives back: a response now, one later (long-poll fetch, acks=-1), or none
/// (produce with acks=0).
public enum HandlerResult<Response: KafkaResponse>: Sendable {
    case respond(Response)
    case later(EventLoopFuture<Response>)
    case noResponse
}

/// An encoded response frame, ready to write.
public typealias EncodedResponse = MessageWriter

/// A handler with its request and response types erased, as the registry stores it.
struct AnyApiHandler: Sendable {
    let apiKey: ApiKey
    let versions: ClosedRange<Int16>
    let dispatch: @Sendable (inout ByteBuffer, RequestContext) throws(KafkaProtocolError) -> ErasedResult

    enum ErasedResult {
        case respond(EncodedResponse)
        case later(EventLoopFuture<EncodedResponse>)
        case noResponse
    }

    init<H: ApiHandler>(_ handler: H) {
        let key = ApiKey(rawValue: H.Request.apiKey) ?? .apiVersions
        self.apiKey = key
        self.versions = handler.versions
        self.dispatch = { (body: inout ByteBuffer, context: RequestContext) throws(KafkaProtocolError) -> ErasedResult in
            let request = try H.Request(from: &body, version: context.apiVersion)
            switch handler.handle(request, context: context) {
            case .respond(let response):
                return .respond(context.encode(response))
            case .later(let future):
                return .later(future.map { context.encode($0) })
            case .noResponse:
                return .noResponse
            }
        }
    }
}

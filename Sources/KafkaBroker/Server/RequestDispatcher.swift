import KafkaProtocol
import Logging
import NIOCore

/// Turns one request frame into a response, through the registry.
struct RequestDispatcher: Sendable {
    let registry: ApiRegistry
    let metrics: BrokerMetrics

    enum Outcome {
        case respond(EncodedResponse)
        case later(EventLoopFuture<EncodedResponse>)
        case noResponse
        /// The request cannot be served; the connection is closed (as Kafka does).
        case close(reason: String)
    }

    func dispatch(frame: ByteBuffer, connection: ConnectionInfo, eventLoop: any EventLoop, logger: Logger) -> Outcome {
        let request: RequestFrame
        do {
            request = try RequestFrame(frame: frame)
        } catch {
            return .close(reason: "undecodable request header: \(error)")
        }
        let rawKey = request.header.requestApiKey
        let version = request.header.requestApiVersion
        guard let key = request.apiKey, let handler = registry.handler(for: rawKey) else {
            return .close(reason: "unsupported api key \(rawKey)")
        }
        var context = RequestContext(
            header: request.header, apiKey: key, eventLoop: eventLoop, allocator: connection.allocator,
            clientAddress: connection.remoteAddress, zeroCopy: connection.zeroCopy, logger: logger)
        context.logger[metadataKey: "api"] = "\(key.name)"
        context.logger[metadataKey: "version"] = "\(version)"
        context.logger[metadataKey: "correlation_id"] = "\(request.header.correlationId)"
        guard handler.versions.contains(version) else {
            if key == .apiVersions {
                return .respond(unsupportedApiVersions(context: context))
            }
            return .close(reason: "unsupported version \(version) of \(key.name) (serves \(handler.versions))")
        }
        metrics.requests(key).increment()
        var body = request.body
        do {
            switch try handler.dispatch(&body, context) {
            case .respond(let r): return .respond(r)
            case .later(let f): return .later(f)
            case .noResponse: return .noResponse
            }
        } catch {
            return .close(reason: "undecodable \(key.name) v\(version) request: \(error)")
        }
    }

    /// A too-new ApiVersions request gets a v0 response with UNSUPPORTED_VERSION and our ranges,
    /// so the client can retry with a version we know (ApiVersionsResponse.java).
    private func unsupportedApiVersions(context: RequestContext) -> EncodedResponse {
        var v0 = context
        v0.header.requestApiVersion = 0
        let response = ApiVersionsResponse(
            errorCode: ErrorCode.unsupportedVersion.rawValue,
            apiKeys: registry.supportedVersions.map {
                .init(apiKey: $0.key, minVersion: $0.range.lowerBound, maxVersion: $0.range.upperBound)
            })
        return v0.encode(response)
    }
}

/// Facts about a client connection that requests need.
struct ConnectionInfo: Sendable {
    var remoteAddress: String
    var allocator: ByteBufferAllocator
    var zeroCopy: Bool
}

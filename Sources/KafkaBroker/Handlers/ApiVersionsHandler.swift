import KafkaProtocol

/// ApiVersions: the ranges every registered handler serves (built from the registry, never by hand).
struct ApiVersionsHandler: ApiHandler {
    typealias Request = ApiVersionsRequest
    let versions: ClosedRange<Int16> = 0...4
    let supported: [ApiVersionsResponse.ApiVersion]

    init(registry: ApiRegistry) {
        // ApiVersions itself is registered after this snapshot, so add it here.
        var ranges = registry.supportedVersions.filter { $0.key != ApiKey.apiVersions.rawValue }
        ranges.append((ApiKey.apiVersions.rawValue, 0...4))
        supported = ranges.sorted { $0.key < $1.key }.map {
            .init(apiKey: $0.key, minVersion: $0.range.lowerBound, maxVersion: $0.range.upperBound)
        }
    }

    func handle(_ request: ApiVersionsRequest, context: RequestContext) -> HandlerResult<ApiVersionsResponse> {
        .respond(ApiVersionsResponse(errorCode: ErrorCode.none.rawValue, apiKeys: supported, throttleTimeMs: 0))
    }
}

import KafkaProtocol
import NIOCore

/// The APIs this broker serves, keyed by API key. ApiVersions reads its ranges from here.
public struct ApiRegistry: Sendable {
    private var handlers: [Int16: AnyApiHandler] = [:]

    public init() {}

    public mutating func register<H: ApiHandler>(_ handler: H) {
        let erased = AnyApiHandler(handler)
        handlers[H.Request.apiKey] = erased
    }

    func handler(for key: Int16) -> AnyApiHandler? { handlers[key] }

    /// (api key, min version, max version) for every registered API, sorted by key.
    public var supportedVersions: [(key: Int16, range: ClosedRange<Int16>)] {
        handlers.keys.sorted().compactMap { key in handlers[key].map { (key, $0.versions) } }
    }
}

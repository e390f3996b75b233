import KafkaProtocol

/// The versions we speak per API, and what a broker advertised. We send
/// `min(our max, broker max)` and refuse an API when the ranges do not overlap.
public struct ApiVersionTable: Sendable, Equatable {
    /// The broker's advertised ranges, by raw API key.
    public let broker: [Int16: ClosedRange<Int16>]

    public init(broker: [Int16: ClosedRange<Int16>]) {
        self.broker = broker
    }

    init(response: ApiVersionsResponse) {
        var ranges: [Int16: ClosedRange<Int16>] = [:]
        for entry in response.apiKeys where entry.minVersion <= entry.maxVersion {
            ranges[entry.apiKey] = entry.minVersion...entry.maxVersion
        }
        self.init(broker: ranges)
    }

    /// Our own range: the generated codecs' range, narrowed where the client relies on a
    /// feature (v2 record batches need Produce 3 / Fetch 4; Fetch 13+ names topics by id only).
    public static func clientRange(for key: ApiKey) -> ClosedRange<Int16> {
        switch key {
        case .produce: return 3...11
        case .fetch: return 4...12
        case .listOffsets: return 1...key.requestType.validVersions.upperBound
        case .metadata: return 1...key.requestType.validVersions.upperBound
        case .apiVersions: return 0...3
        default: return key.requestType.validVersions
        }
    }

    /// The version to send, or nil when the broker does not serve the API at a version we speak.
    public func version(for key: ApiKey) -> Int16? {
        guard let theirs = broker[key.rawValue] else { return nil }
        let ours = Self.clientRange(for: key)
        let high = min(ours.upperBound, theirs.upperBound)
        let low = max(ours.lowerBound, theirs.lowerBound)
        return low <= high ? high : nil
    }

    public func supports(_ key: ApiKey) -> Bool {
        version(for: key) != nil
    }
}

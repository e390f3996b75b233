import KafkaProtocol
import Metrics

/// The broker's metrics, created once; labels are bounded (API names, not topics).
public struct BrokerMetrics: Sendable {
    private let requestCounters: [Int16: Counter]
    public let bytesIn: Counter
    public let bytesOut: Counter
    public let messagesIn: Counter
    public let connections: Gauge

    public init() {
        var counters: [Int16: Counter] = [:]
        for key in ApiKey.allCases {
            counters[key.rawValue] = Counter(label: "petrel_requests_total", dimensions: [("api", key.name)])
        }
        requestCounters = counters
        bytesIn = Counter(label: "petrel_bytes_in_total")
        bytesOut = Counter(label: "petrel_bytes_out_total")
        messagesIn = Counter(label: "petrel_messages_in_total")
        connections = Gauge(label: "petrel_connections")
    }

    public func requests(_ key: ApiKey) -> Counter {
        requestCounters[key.rawValue] ?? Counter(label: "petrel_requests_total", dimensions: [("api", "unknown")])
    }
}

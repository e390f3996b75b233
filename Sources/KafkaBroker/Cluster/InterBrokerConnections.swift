import KafkaClient
import KafkaProtocol
import Logging
import NIOCore

/// Connections from this broker to the others, for requests between brokers (AlterPartition and
/// ControlledShutdown to the controller, WriteTxnMarkers to partition leaders): one per broker
/// id, made on first use from the endpoint in the metadata cache, and made again when it closed
/// or the broker moved. Replica fetchers keep their own connections (a long-polling Fetch would
/// hold these up).
public actor InterBrokerConnections {
    private struct Entry {
        var endpoint: String
        var connection: Task<KafkaConnection, any Error>
    }

    private let localBrokerId: Int32
    private let cache: MetadataCache
    private let logger: Logger
    private var entries: [Int32: Entry] = [:]

    public init(localBrokerId: Int32, cache: MetadataCache, logger: Logger) {
        self.localBrokerId = localBrokerId
        self.cache = cache
        self.logger = logger
    }

    /// Sends one request to broker `brokerId`; a connection that fails is dropped, so the next
    /// request connects again.
    public func send<R: KafkaRequest>(
        _ request: R, to brokerId: Int32, version: Int16? = nil, timeout: TimeAmount = .seconds(30)
    ) async throws -> R.Response {
        let connection = try await connection(to: brokerId)
        do {
            return try await connection.send(request, version: version, timeout: timeout)
        } catch {
            if !connection.isActive { drop(brokerId, connection) }
            throw error
        }
    }

    /// The open connection to `brokerId`, connecting first when there is none. Concurrent
    /// callers share one connection attempt.
    func connection(to brokerId: Int32) async throws -> KafkaConnection {
        guard let broker = cache.broker(brokerId), let endpoint = broker.endpoint() else {
            throw BrokerError(.brokerNotAvailable, "broker \(brokerId) is not alive")
        }
        let key = "\(endpoint.host):\(endpoint.port)"
        if let entry = entries[brokerId], entry.endpoint == key {
            if let open = try? await entry.connection.value, open.isActive { return open }
            // It failed or closed: connect again (unless another caller already did).
            if let current = entries[brokerId], current.connection != entry.connection {
                return try await current.connection.value
            }
        }
        let options = KafkaConnection.Options(clientId: "petrel-broker-\(localBrokerId)", requestTimeout: .seconds(30))
        let attempt = Task { [logger] in
            try await KafkaConnection.connect(
                to: BrokerAddress(host: endpoint.host, port: endpoint.port), nodeId: brokerId, options: options,
                logger: logger)
        }
        if let stale = entries[brokerId] {
            Task { try? await stale.connection.value.close() }
        }
        entries[brokerId] = Entry(endpoint: key, connection: attempt)
        do {
            return try await attempt.value
        } catch {
            if entries[brokerId]?.connection == attempt { entries[brokerId] = nil }
            throw error
        }
    }

    private func drop(_ brokerId: Int32, _ connection: KafkaConnection) {
        guard let entry = entries[brokerId] else { return }
        Task { [weak self] in
            guard (try? await entry.connection.value) === connection else { return }
            await self?.forget(brokerId, entry.connection)
        }
    }

    private func forget(_ brokerId: Int32, _ attempt: Task<KafkaConnection, any Error>) {
        if entries[brokerId]?.connection == attempt { entries[brokerId] = nil }
    }

    public func closeAll() async {
        let all = entries.values.map(\.connection)
        entries = [:]
        for attempt in all { try? await attempt.value.close() }
    }
}

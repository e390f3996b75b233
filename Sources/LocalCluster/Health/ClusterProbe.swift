import KafkaClient
import Logging

/// Asks brokers for Metadata, each at its own address with short timeouts, so a dead or
/// starting broker costs a second, not a stall.
public enum ClusterProbe {
    /// Metadata (all topics) from the broker at `address`, nil when it does not answer.
    public static func metadata(at address: BrokerAddress, topics: Bool = true) async -> ClusterMetadata? {
        var configuration = KafkaClient.Configuration(bootstrap: [address], clientId: "petrel-cluster", maxAttempts: 1)
        configuration.connection.connectTimeout = .seconds(1)
        configuration.connection.requestTimeout = .seconds(3)
        var logger = Logger(label: "petrel.cluster-probe")
        logger.logLevel = .critical
        let client = KafkaClient(configuration: configuration, logger: logger)
        let metadata = try? await client.refreshMetadata(topics: topics ? nil : [])
        await client.shutdown()
        return metadata
    }

    /// What every reachable broker says: the `bootstrap` addresses first, then every broker
    /// they name, each asked at its own address. Keyed by address.
    public static func views(bootstrap: [BrokerAddress]) async -> [BrokerAddress: ClusterMetadata] {
        var views = await ask(Set(bootstrap))
        let named = Set(views.values.flatMap(\.brokers.values)).subtracting(bootstrap)
        for (address, metadata) in await ask(named) { views[address] = metadata }
        return views
    }

    private static func ask(_ addresses: Set<BrokerAddress>) async -> [BrokerAddress: ClusterMetadata] {
        await withTaskGroup(of: (BrokerAddress, ClusterMetadata?).self) { group in
            for address in addresses { group.addTask { (address, await metadata(at: address)) } }
            var out: [BrokerAddress: ClusterMetadata] = [:]
            for await (address, metadata) in group { if let metadata { out[address] = metadata } }
            return out
        }
    }
}

import ZooKeeperClient

// Broker registrations: ephemeral `/brokers/ids/<id>` znodes.
extension ZooKeeperMetadataStore {
    /// Kafka's checked ephemeral create: create the node empty and set its data in one multi (so
    /// the Stat, whose czxid is the broker epoch, comes back); when the node exists, it is ours
    /// only if this session owns it.
    public func registerBroker(_ registration: BrokerRegistration) async throws(ClusterError) -> BrokerRegistration {
        var registration = registration
        if registration.timestamp == 0 { registration.timestamp = currentTimeMillis() }
        let path = paths.broker(registration.id)
        let data = ZNodeJSON.encode(BrokerZNode(registration))
        let session = client.sessionID
        let stat = try await retrying(path) { () async throws(ZooKeeperError) -> Stat? in
            while true {
                do throws(ZooKeeperError) {
                    let results = try await client.multi([
                        .create(path: path, data: [], mode: .ephemeral), .setData(path: path, data: data, version: 0),
                    ])
                    guard case .dataSet(let stat)? = results.last else {
                        throw ZooKeeperError(.marshallingError, path: path, message: "multi answered without the setData stat")
                    }
                    return stat
                } catch {
                    guard error.code == .nodeExists else { throw error }
                }
                guard let existing = try await client.exists(path) else { continue }  // gone meanwhile: create again
                guard existing.ephemeralOwner == session else { return nil }
                do throws(ZooKeeperError) {
                    return try await client.setData(path, data: data, version: existing.version)
                } catch {
                    guard error.code == .badVersion || error.code == .noNode else { throw error }
                }
            }
        }
        guard let stat else { throw .brokerIDInUse(registration.id) }
        registration.epoch = stat.czxid
        logger.info(
            "registered broker",
            metadata: [
                "broker": "\(registration.id)", "broker_epoch": "\(stat.czxid)", "rack": "\(registration.rack ?? "-")",
                "endpoints": "\(registration.endpoints.map(\.connectionString).joined(separator: ","))",
            ])
        return registration
    }

    public func unregisterBroker(_ id: Int32) async throws(ClusterError) {
        let path = paths.broker(id)
        let session = client.sessionID
        try await retrying(path) { () async throws(ZooKeeperError) in
            guard let stat = try await client.exists(path), stat.ephemeralOwner == session else { return }
            do throws(ZooKeeperError) {
                try await client.delete(path, version: stat.version)
            } catch {
                guard error.code == .noNode else { throw error }
            }
        }
    }

    public func liveBrokers(watch: MetadataWatch?) async throws(ClusterError) -> [BrokerRegistration] {
        let ids = try await children(paths.brokerIDs, watch: watch).compactMap { Int32($0) }.sorted()
        let results = await ids.concurrentMap { id -> Result<BrokerRegistration?, ClusterError> in
            let path = self.paths.broker(id)
            do throws(ClusterError) {
                // A broker that left between the listing and this read is simply not live.
                guard let node = try await self.readNode(path, watch: nil) else { return .success(nil) }
                let znode = try ZNodeJSON.decode(BrokerZNode.self, node.data, path: path)
                return .success(try znode.registration(id: id, epoch: node.stat.czxid, path: path))
            } catch {
                return .failure(error)
            }
        }
        return try results.collect().compactMap { $0 }
    }
}

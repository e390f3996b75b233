import ZooKeeperClient

// Controller election: ephemeral `/controller`, created in one multi with the increment of
// `/controller_epoch` (KafkaZkClient.registerControllerAndIncrementControllerEpoch).
extension ZooKeeperMetadataStore {
    public func elect(brokerID: Int32) async throws(ClusterError) -> ControllerFence? {
        let session = client.sessionID
        let fence = try await retrying(paths.controller) { () async throws(ZooKeeperError) -> ControllerFence? in
            if try await client.exists(paths.controller) != nil {
                return try await ownedElection(brokerID: brokerID, session: session)
            }
            let (epoch, epochVersion) = try await readOrCreateControllerEpoch()
            let controllerData = ZNodeJSON.encode(ControllerZNode(brokerID: brokerID, timestamp: currentTimeMillis()))
            do throws(ZooKeeperError) {
                let results = try await client.multi([
                    .create(path: paths.controller, data: controllerData, mode: .ephemeral),
                    .setData(
                        path: paths.controllerEpoch, data: ControllerEpochZNode.encode(epoch + 1), version: epochVersion),
                ])
                guard case .dataSet(let stat)? = results.last else {
                    throw ZooKeeperError(.marshallingError, message: "multi answered without the epoch's stat")
                }
                return ControllerFence(brokerID: brokerID, epoch: epoch + 1, epochVersion: stat.version)
            } catch {
                guard error.code == .nodeExists || error.code == .badVersion else { throw error }
                // Someone else won, or our own attempt before a lost connection did.
                return try await ownedElection(brokerID: brokerID, session: session)
            }
        }
        if let fence {
            logger.info("elected controller", metadata: ["broker": "\(brokerID)", "controller_epoch": "\(fence.epoch)"])
        }
        return fence
    }

    /// The fence of the current election when this session holds `/controller`, else nil.
    private func ownedElection(brokerID: Int32, session: Int64) async throws(ZooKeeperError) -> ControllerFence? {
        let node: NodeData
        do throws(ZooKeeperError) {
            node = try await client.getData(paths.controller)
        } catch {
            guard error.code == .noNode else { throw error }
            return nil
        }
        guard node.stat.ephemeralOwner == session,
            let znode = try? ZNodeJSON.decode(ControllerZNode.self, node.data, path: paths.controller),
            znode.brokerid == brokerID
        else { return nil }
        let epochNode = try await client.getData(paths.controllerEpoch)
        guard let epoch = try? ControllerEpochZNode.decode(epochNode.data, path: paths.controllerEpoch) else { return nil }
        return ControllerFence(brokerID: brokerID, epoch: epoch, epochVersion: epochNode.stat.version)
    }

    /// The current controller epoch and its version, creating `/controller_epoch` at 0 first.
    private func readOrCreateControllerEpoch() async throws(ZooKeeperError) -> (Int32, Int32) {
        while true {
            do throws(ZooKeeperError) {
                let node = try await client.getData(paths.controllerEpoch)
                guard let epoch = try? ControllerEpochZNode.decode(node.data, path: paths.controllerEpoch) else {
                    throw ZooKeeperError(.marshallingError, path: paths.controllerEpoch, message: "not a number")
                }
                return (epoch, node.stat.version)
            } catch {
                guard error.code == .noNode else { throw error }
            }
            do throws(ZooKeeperError) {
                try await client.create(paths.controllerEpoch, data: ControllerEpochZNode.encode(0))
            } catch {
                guard error.code == .nodeExists else { throw error }
            }
        }
    }

    public func controller(watch: MetadataWatch?) async throws(ClusterError) -> ControllerRegistration? {
        let path = paths.controller
        guard let node = try await readNode(path, watch: watch) else { return nil }
        let znode = try ZNodeJSON.decode(ControllerZNode.self, node.data, path: path)
        let epochNode = try await readNode(paths.controllerEpoch, watch: nil)
        let epoch = try epochNode.map { node throws(ClusterError) in try ControllerEpochZNode.decode(node.data, path: paths.controllerEpoch) } ?? 0
        return ControllerRegistration(brokerID: znode.brokerid, epoch: epoch, timestamp: Int64(znode.timestamp) ?? 0)
    }

    /// Deletes `/controller` behind a check of the epoch's version, so only the holder of the
    /// current election can (Kafka's deleteController).
    public func resign(_ fence: ControllerFence) async throws(ClusterError) {
        try await retrying(paths.controller) { () async throws(ZooKeeperError) in
            do throws(ZooKeeperError) {
                _ = try await client.multi([
                    .check(path: paths.controllerEpoch, version: fence.epochVersion),
                    .delete(path: paths.controller),
                ])
                logger.info("resigned as controller", metadata: ["controller_epoch": "\(fence.epoch)"])
            } catch {
                guard error.code == .badVersion || error.code == .noNode else { throw error }
            }
        }
    }
}

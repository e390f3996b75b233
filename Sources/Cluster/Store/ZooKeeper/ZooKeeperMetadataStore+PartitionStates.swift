import LogStorage
import ZooKeeperClient

// Partition states: `/brokers/topics/<topic>/partitions/<p>/state`, written only by the
// controller, each write in a multi behind a check of `/controller_epoch`'s version.
extension ZooKeeperMetadataStore {
    public func partitionState(_ partition: TopicPartition, watch: MetadataWatch?) async throws(ClusterError) -> PartitionState? {
        let path = paths.partitionState(partition)
        guard let node = try await readNode(path, watch: watch) else { return nil }
        return try ZNodeJSON.decode(PartitionStateZNode.self, node.data, path: path)
            .state(partitionEpoch: node.stat.version, path: path)
    }

    public func partitionStates(_ partitions: [TopicPartition], watch: MetadataWatch?) async throws(ClusterError)
        -> [TopicPartition: PartitionState]
    {
        let results = await partitions.concurrentMap { partition -> Result<(TopicPartition, PartitionState?), ClusterError> in
            do throws(ClusterError) {
                return .success((partition, try await self.partitionState(partition, watch: watch)))
            } catch {
                return .failure(error)
            }
        }
        var states: [TopicPartition: PartitionState] = [:]
        for (partition, state) in try results.collect() { states[partition] = state }
        return states
    }

    /// One multi per partition, all pipelined at once (Kafka's controller does the same), so a
    /// batch of a hundred costs about one round trip.
    public func writePartitionStates(_ writes: [PartitionStateWrite], fence: ControllerFence) async
        -> [TopicPartition: Result<PartitionState, ClusterError>]
    {
        let results = await writes.concurrentMap { write in
            (write.partition, await self.writePartitionState(write, fence: fence))
        }
        return Dictionary(results, uniquingKeysWith: { _, last in last })
    }

    private func writePartitionState(_ write: PartitionStateWrite, fence: ControllerFence) async -> Result<PartitionState, ClusterError> {
        let path = paths.partitionState(write.partition)
        var state = write.state
        state.controllerEpoch = fence.epoch
        let data = ZNodeJSON.encode(PartitionStateZNode(state))
        let check = MultiOperation.check(path: paths.controllerEpoch, version: fence.epochVersion)
        var attempt = 0
        while true {
            do throws(ZooKeeperError) {
                if write.isCreate {
                    try await createParents(of: write.partition)
                    _ = try await client.multi([check, .create(path: path, data: data)])
                    state.partitionEpoch = 0
                } else {
                    let results = try await client.multi([
                        check, .setData(path: path, data: data, version: write.expectedPartitionEpoch),
                    ])
                    guard case .dataSet(let stat)? = results.last else { return .failure(.corrupt("\(path): multi answered without a stat")) }
                    state.partitionEpoch = stat.version
                }
                return .success(state)
            } catch {
                if error.isRetriable, !client.isEnded, attempt < configuration.maxRetries {
                    attempt += 1
                    try? await Task.sleep(for: .milliseconds(min(10 * attempt, 200)))
                    continue
                }
                let failure = Self.stateWriteError(error, path: path, fence: fence)
                // After a lost connection the first attempt may have landed: then the state
                // reads back as what this controller wrote.
                if attempt > 0, failure.reason == .staleVersion || failure.reason == .alreadyExists,
                    let current = try? await partitionState(write.partition, watch: nil),
                    current.sameLeadership(as: state), current.controllerEpoch == fence.epoch
                {
                    return .success(current)
                }
                return .failure(failure)
            }
        }
    }

    /// `/partitions` and `/partitions/<p>` (persistent, empty), as Kafka creates them before the state.
    private func createParents(of partition: TopicPartition) async throws(ZooKeeperError) {
        for path in [paths.partitions(partition.topic), paths.partition(partition)] {
            do throws(ZooKeeperError) {
                try await client.create(path)
            } catch {
                guard error.code == .nodeExists else { throw error }
            }
        }
    }

    static func stateWriteError(_ error: ZooKeeperError, path: String, fence: ControllerFence) -> ClusterError {
        if error.failedOperationIndex == 0 {
            return .controllerMoved("\(fence) was superseded: the controller epoch changed")
        }
        switch error.code {
        case .badVersion: return .staleVersion("\(path) changed since it was read")
        case .nodeExists: return ClusterError(.alreadyExists, code: .unknownServerError, "\(path) exists already")
        case .noNode: return .notFound("\(path): the topic does not exist")
        default: return clusterError(error, path: path)
        }
    }
}

import KafkaProtocol
import LogStorage
import Testing

@testable import Cluster

/// Drives a ControllerState by hand: builds an image, elects it, and plays the store by
/// confirming (or failing) the writes it asks for.
struct ControllerHarness {
    var machine: ControllerState
    var image = MetadataImage()
    let fence = ControllerFence(brokerID: 1, epoch: 3, epochVersion: 3)

    init(config: ControllerConfig = ControllerConfig(brokerID: 1)) {
        machine = ControllerState(config: config)
    }

    mutating func broker(_ id: Int32, epoch: Int64 = 100) {
        image.brokers[id] = BrokerRegistration(id: id, endpoints: [BrokerEndpoint(host: "h", port: 9092)], epoch: epoch)
    }

    /// A topic whose partitions have these replicas and, where given, states.
    mutating func topic(_ name: String, _ partitions: [[Int32]], states: [PartitionState?] = [], configs: [String: String] = [:]) {
        image.topics[name] = TopicAssignment(name: name, topicID: KafkaUUID.random(), partitions: partitions, version: 0)
        image.configs[name] = configs
        for (index, state) in states.enumerated() {
            if let state { image.partitions[TopicPartition(topic: name, partition: Int32(index))] = state }
        }
    }

    mutating func elect() -> [ControllerAction] { machine.handle(.elected(fence, image)) }

    /// Answers the write batch in `actions` as the store would: success (version + 1, or 0 for
    /// a create), except for the partitions in `failing`. Returns what the controller does next.
    mutating func complete(_ actions: [ControllerAction], failing: [TopicPartition: ClusterError] = [:]) -> [ControllerAction] {
        guard let (batchID, writes) = Self.batch(in: actions) else {
            Issue.record("no write batch in \(actions)")
            return []
        }
        var results: [TopicPartition: Result<PartitionState, ClusterError>] = [:]
        for write in writes {
            if let error = failing[write.partition] {
                results[write.partition] = .failure(error)
                continue
            }
            var state = write.state
            state.partitionEpoch = write.isCreate ? 0 : write.expectedPartitionEpoch + 1
            results[write.partition] = .success(state)
        }
        return machine.handle(.writesCompleted(batchID: batchID, results: results))
    }

    static func batch(in actions: [ControllerAction]) -> (UInt64, [PartitionStateWrite])? {
        for case .write(let id, let writes, _) in actions { return (id, writes) }
        return nil
    }

    static func writes(in actions: [ControllerAction]) -> [TopicPartition: PartitionStateWrite] {
        Dictionary((batch(in: actions)?.1 ?? []).map { ($0.partition, $0) }, uniquingKeysWith: { _, last in last })
    }

    static func isrAnswer(_ requestID: UInt64, in actions: [ControllerAction]) -> IsrChangeResult? {
        for case .answerIsrChange(requestID, let result) in actions { return result }
        return nil
    }

    static func shutdownAnswer(_ requestID: UInt64, in actions: [ControllerAction]) -> Result<[TopicPartition], ClusterError>? {
        for case .answerControlledShutdown(requestID, let result) in actions { return result }
        return nil
    }

    static func notifications(in actions: [ControllerAction]) -> [BrokerNotification] {
        for case .notify(let notifications) in actions { return notifications }
        return []
    }

    static func state(_ leader: Int32, _ isr: [Int32], epoch: Int32 = 0, version: Int32 = 0) -> PartitionState {
        PartitionState(leader: leader, leaderEpoch: epoch, isr: isr, controllerEpoch: 2, partitionEpoch: version)
    }

    static func code(_ result: Result<PartitionState, ClusterError>?) -> ErrorCode? {
        guard case .failure(let error)? = result else { return nil }
        return error.code
    }
}

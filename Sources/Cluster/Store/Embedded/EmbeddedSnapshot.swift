import Foundation
import LogStorage

/// The embedded backend's file: everything but the ephemeral parts (registrations, the
/// controller, sessions), with topics, configs and partition states in the JSON shapes Kafka
/// writes in ZooKeeper, so the file reads like a dump of Kafka's znodes.
struct EmbeddedSnapshot: Codable {
    struct Topic: Codable {
        var assignment: TopicZNode
        var version: Int32
        var config: [String: String]
        /// By partition number.
        var states: [String: State]
    }

    struct State: Codable {
        var state: PartitionStateZNode
        var partitionEpoch: Int32
    }

    var version = 1
    var clusterID: String?
    var lastTransactionID: Int64
    var controllerEpoch: Int32
    var controllerEpochVersion: Int32
    var topics: [String: Topic]

    init(_ state: EmbeddedState) {
        clusterID = state.clusterID
        lastTransactionID = state.lastTransactionID
        controllerEpoch = state.controllerEpoch
        controllerEpochVersion = state.controllerEpochVersion
        var topics: [String: Topic] = [:]
        for (name, assignment) in state.topics {
            var states: [String: State] = [:]
            for partition in assignment.topicPartitions {
                if let value = state.states[partition] {
                    states[String(partition.partition)] = State(state: PartitionStateZNode(value), partitionEpoch: value.partitionEpoch)
                }
            }
            topics[name] = Topic(
                assignment: TopicZNode(assignment), version: assignment.version, config: state.configs[name] ?? [:], states: states)
        }
        self.topics = topics
    }

    /// Fills a fresh state from the file's contents.
    func restore(into state: inout EmbeddedState, path: String) throws(ClusterError) {
        state.clusterID = clusterID
        state.lastTransactionID = lastTransactionID
        state.controllerEpoch = controllerEpoch
        state.controllerEpochVersion = controllerEpochVersion
        for (name, topic) in topics {
            let assignment = try topic.assignment.assignment(name: name, version: topic.version, path: path)
            state.topics[name] = assignment
            state.configs[name] = topic.config
            for (key, stored) in topic.states {
                guard let index = Int32(key), assignment.replicas(of: index) != nil else {
                    throw .corrupt("\(path): topic \(name) has a state for unknown partition \(key)")
                }
                state.states[TopicPartition(topic: name, partition: index)] = try stored.state.state(
                    partitionEpoch: stored.partitionEpoch, path: path)
            }
        }
    }

    static func load(from path: String) throws(ClusterError) -> EmbeddedSnapshot? {
        guard AtomicFile.exists(path) else { return nil }
        guard let text = AtomicFile.read(path) else { throw .storage("cannot read \(path)") }
        return try ZNodeJSON.decode(EmbeddedSnapshot.self, Array(text.utf8), path: path)
    }

    func save(to path: String) throws(ClusterError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text: String
        do {
            text = String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            throw .storage("cannot encode the cluster metadata: \(error)")
        }
        do {
            try AtomicFile.write(text + "\n", to: path)
        } catch {
            throw .storage("cannot write \(path): \(error)")
        }
    }
}

import Foundation
import KafkaClient
import RdKafkaLoad

extension ReplicatedCluster {
    /// Brokers, controller and `topic`'s partitions as the cluster reports them now.
    func metadata(topic: String) throws -> ClusterMetadata {
        try withClient { client in try await client.refreshMetadata(topics: [topic]) }
    }

    /// Asks the controller for preferred-leader elections (ElectLeaders, every partition) and
    /// waits until Metadata names each partition's first replica as its leader and every
    /// leader takes writes.
    func restorePreferredLeaders(topic: String, timeout: Double = 60) throws {
        let deadline = MonotonicClock.now() + UInt64(timeout * 1e9)
        var lastElection: UInt64 = 0
        while true {
            let now = MonotonicClock.now()
            // Elections the controller could not hold yet (a replica still joining the ISR) are
            // asked for again every few seconds.
            if now - lastElection > 3_000_000_000 {
                _ = try withClient { client in try await client.electLeaders(.preferred, partitions: nil) }
                lastElection = now
            }
            guard let partitions = try metadata(topic: topic).topics[topic]?.partitions, !partitions.isEmpty else {
                throw LoadError("topic \(topic) is missing from Metadata")
            }
            let misplaced = partitions.filter { $0.leader != $0.replicas.first }
            if misplaced.isEmpty {
                try writeToEveryPartition(topic: topic, partitions: Int32(partitions.count))
                return
            }
            guard now < deadline else {
                throw LoadError(
                    "\(misplaced.count) partitions of \(topic) are not led by their preferred replica after \(Int(timeout)) s, "
                        + "e.g. partition \(misplaced[0].partition) led by \(misplaced[0].leader), replicas \(misplaced[0].replicas)")
            }
            usleep(100_000)
        }
    }

    /// One acks=-1 record to every partition: each leader has taken up its leadership (it
    /// accepts writes) and its followers fetch from it. Metadata alone says neither: a new
    /// topic's ISR starts full before the followers have even created their logs, and a
    /// leader learns of an election a moment after the controller made it.
    func writeToEveryPartition(topic: String, partitions: Int32) throws {
        let run = ProduceRun(
            bootstrap: bootstrap, topic: topic, properties: ["acks": "all", "linger.ms": "0"], payloads: probePayloads)
        _ = try run.counted(Int(partitions), partitions: partitions)
    }
}

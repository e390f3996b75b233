import Foundation
import KafkaClient
import RdKafkaLoad

extension ReplicatedCluster {
    /// Brokers, controller and `topic`'s partitions as the cluster reports them now.
    func metadata(topic: String) throws -> ClusterMetadata {
        try withClient { client in try await client.refreshMetadata(topics: [topic]) }
    }

    /// Asks the controller for preferred-leader elections (ElectLeaders, every partition) and waits until
    /// Metadata names each partition's first replica as its leader.
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
            if misplaced.isEmpty { return }
            guard now < deadline else {
                throw LoadError(
                    "\(misplaced.count) partitions of \(topic) are not led by their preferred replica after \(Int(timeout)) s, "
                        + "e.g. partition \(misplaced[0].partition) led by \(misplaced[0].leader), replicas \(misplaced[0].replicas)")
            }
            usleep(100_000)
        }
    }
}

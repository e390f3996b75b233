import Foundation
import KafkaClient
import Testing
import TestSupport

@testable import KafkaBroker

/// When a broker dies the controller takes it out of every ISR at a new leader epoch, which
/// fences the fetches the surviving followers have parked at their leaders. A follower that
/// has already learned the new epoch must fetch again at once: acks=all writes wait for it.
@Suite(.serialized) struct FollowerFencingTests {
    @Test func acksAllWritesGoOnAfterABrokerDiesWithoutWaitingOutTheFetchBackoff() async throws {
        // Ten minutes of replica.fetch.backoff.ms: a follower that waited it out after the
        // fence would hold the writes below past their 20 s timeout.
        try await LocalClusterFixture.run(configure: { _, options in options.cluster.replicaFetch.backoffMs = 600_000 }) { cluster in
            let client = try cluster.client()
            defer { Task { await client.shutdown() } }
            let topic = "fenced"
            try await client.createTopic(topic, partitions: 6, replicationFactor: 3)
            try await BrokerFixture.waitFor("every partition of \(topic) with 3 in-sync replicas") {
                (0..<6).allSatisfy { cluster.state(topic, $0)?.state.isr.count == 3 } ? true : nil
            }
            for round in 0..<3 {
                try await ReassignmentClusterTests.produce(client, topic, partitions: 6, count: 10, from: round * 10)
            }
            try await cluster.stop(3)
            try await cluster.waitForBrokers([1, 2])
            for round in 3..<6 {
                for partition: Int32 in 0..<6 {
                    let values = ReassignmentClusterTests.values(topic, partition, count: (round + 1) * 10)[(round * 10)...]
                    _ = try await client.produce(
                        topic: topic, partition: partition, records: values.map { ProducerRecord(key: nil, value: $0) },
                        acks: .all, timeoutMs: 20_000)
                }
            }
            for partition: Int32 in 0..<6 {
                let read = try await ReassignmentClusterTests.consume(client, topic, partition, count: 60)
                #expect(read == ReassignmentClusterTests.values(topic, partition, count: 60))
            }
        }
    }
}

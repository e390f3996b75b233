import KafkaProtocol
import LogStorage
import NIOCore

/// Writes the COMMIT or ABORT control batch that ends a transaction on each of its partitions
/// (Kafka's TransactionMarkerChannelManager + WriteTxnMarkers on the partition leader).
protocol TransactionMarkerWriter: Sendable {
    /// Returns the partitions whose marker could not be written; the coordinator retries them.
    func writeMarkers(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, partitions: Set<TopicPartition>
    ) async -> [TopicPartition: BrokerError]
}

/// Writes markers to partitions this broker leads: `__consumer_offsets` through the group
/// coordinator (which applies the pending offsets), every other topic straight to its log; each
/// counts as written once every in-sync replica has it (acks=-1). A partition whose topic was
/// deleted needs no marker, as in Kafka; one led elsewhere is refused (NOT_LEADER_OR_FOLLOWER).
struct LocalMarkerWriter: TransactionMarkerWriter {
    let topics: TopicRegistry
    let groups: GroupCoordinator
    let clock: @Sendable () -> Int64
    /// How long a marker may wait for the in-sync replicas (Kafka: request.timeout.ms).
    var replicationTimeoutMs: Int64 = 30_000

    func writeMarkers(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, partitions: Set<TopicPartition>
    ) async -> [TopicPartition: BrokerError] {
        var failed: [TopicPartition: BrokerError] = [:]
        var written: [(TopicPartition, Partition, Int64)] = []
        for target in partitions.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
            do throws(BrokerError) {
                if let (partition, end) = try append(transaction, coordinatorEpoch: coordinatorEpoch, commit: commit, to: target) {
                    written.append((target, partition, end))
                }
            } catch {
                failed[target] = error
            }
        }
        for (target, partition, end) in written {
            let outcome = await partition.waitUntilReplicated(through: end, timeoutMs: replicationTimeoutMs)
            if outcome != .none {
                failed[target] = BrokerError(outcome, "the marker in \(target) did not reach the in-sync replicas")
            }
        }
        return failed
    }

    /// Appends one marker; the partition and its log end after it, or nil when none is needed.
    private func append(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, to target: TopicPartition
    ) throws(BrokerError) -> (Partition, Int64)? {
        if target.topic == GroupCoordinatorConfig.topicName {
            return try groups.writeTransactionMarker(
                partition: target.partition, transaction, coordinatorEpoch: coordinatorEpoch, commit: commit)
        }
        // A topic deleted since the transaction began needs no marker.
        guard topics.topic(named: target.topic) != nil else { return nil }
        guard let partition = topics.partition(topic: target.topic, index: target.partition), partition.isLeader else {
            throw BrokerError(.notLeaderOrFollower, "broker \(topics.localBrokerId) does not lead \(target)")
        }
        let marker: ByteBuffer
        do {
            marker = try RecordBatchBuilder.endTransactionMarker(
                commit ? .commit : .abort, producerId: transaction.producerId, producerEpoch: transaction.epoch,
                coordinatorEpoch: coordinatorEpoch, timestamp: clock())
        } catch {
            throw BrokerError(.unknownServerError, "cannot build a transaction marker: \(error)")
        }
        do {
            let appended = try partition.appendAsLeader(marker, logAppendTime: nil, origin: .coordinator)
            return (partition, appended.lastOffset + 1)
        } catch {
            throw BrokerError(error)
        }
    }
}

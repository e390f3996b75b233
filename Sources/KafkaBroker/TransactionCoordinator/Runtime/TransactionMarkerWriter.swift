import KafkaProtocol
import LogStorage
import NIOCore

/// Writes the markers that end a transaction on each of its partitions (Kafka's
/// TransactionMarkerChannelManager, which sends WriteTxnMarkers to the partition leaders).
protocol TransactionMarkerWriter: Sendable {
    /// Returns the partitions whose marker could not be written; the coordinator retries them.
    func writeMarkers(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, partitions: Set<TopicPartition>
    ) -> [TopicPartition: BrokerError]
}

/// Writes markers to partitions this broker leads: `__consumer_offsets` through the group
/// coordinator (which applies the pending offsets), every other topic straight to its log.
/// A partition whose topic was deleted needs no marker, as in Kafka; one led elsewhere is
/// refused (NOT_LEADER_OR_FOLLOWER) and retried.
struct LocalMarkerWriter: TransactionMarkerWriter {
    let topics: TopicRegistry
    let groups: GroupCoordinator
    let clock: @Sendable () -> Int64

    func writeMarkers(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, partitions: Set<TopicPartition>
    ) -> [TopicPartition: BrokerError] {
        var failed: [TopicPartition: BrokerError] = [:]
        for target in partitions.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) {
            do throws(BrokerError) {
                try write(transaction, coordinatorEpoch: coordinatorEpoch, commit: commit, to: target)
            } catch {
                failed[target] = error
            }
        }
        return failed
    }

    func write(
        _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool, to target: TopicPartition
    ) throws(BrokerError) {
        if target.topic == GroupCoordinatorConfig.topicName {
            try groups.writeTransactionMarker(
                partition: target.partition, transaction, coordinatorEpoch: coordinatorEpoch, commit: commit)
            return
        }
        // A topic deleted since the transaction began needs no marker.
        guard topics.topic(named: target.topic) != nil else { return }
        guard let partition = topics.partition(topic: target.topic, index: target.partition), partition.isLeader else {
            throw BrokerError(.notLeaderOrFollower, "broker \(topics.localBrokerId) does not lead \(target)")
        }
        var marker: ByteBuffer
        do {
            marker = try RecordBatchBuilder.endTransactionMarker(
                commit ? .commit : .abort, producerId: transaction.producerId, producerEpoch: transaction.epoch,
                coordinatorEpoch: coordinatorEpoch, timestamp: clock())
        } catch {
            throw BrokerError(.unknownServerError, "cannot build a transaction marker: \(error)")
        }
        do {
            _ = try partition.appendAsLeader(&marker, logAppendTime: nil, origin: .coordinator)
        } catch {
            throw BrokerError(error)
        }
    }
}

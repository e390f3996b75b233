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
/// A partition that no longer exists needs no marker (its topic was deleted), as in Kafka.
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
        guard let partition = topics.partition(topic: target.topic, index: target.partition) else { return }
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

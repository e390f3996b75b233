import KafkaProtocol

/// The group coordinator's part in transactions: offsets committed inside one, and the markers
/// that end it on `__consumer_offsets`.
extension GroupCoordinator {
    /// TxnOffsetCommit for partitions already known to exist: the offsets join the producer's
    /// transaction. Group-level errors answer every partition.
    public func commitTransactionalOffsets(_ request: TxnOffsetCommitRequest) -> TxnOffsetCommitResponse {
        guard let shard = shard(for: request.groupId) else {
            return .failing(request, with: .notCoordinator)
        }
        let producer = ProducerIdAndEpoch(producerId: request.producerId, epoch: request.producerEpoch)
        do {
            return try shard.write(transaction: producer) {
                (state: inout GroupCoordinatorShard, _: any TopicCatalog, now: Int64) throws(BrokerError) in
                try state.commitTransactionalOffset(request, now: now)
            }
        } catch {
            return .failing(request, with: error.code)
        }
    }

    /// Writes a transaction's marker to one `__consumer_offsets` partition and applies it; the
    /// partition and its log end after the marker, to wait for replication.
    func writeTransactionMarker(
        partition: Int32, _ transaction: ProducerIdAndEpoch, coordinatorEpoch: Int32, commit: Bool
    ) throws(BrokerError) -> (Partition, Int64) {
        guard let shard = shards.shard(partition) else {
            throw BrokerError(.notLeaderOrFollower, "this broker does not lead \(GroupCoordinatorConfig.topicName)-\(partition)")
        }
        return (shard.partition, try shard.writeTransactionMarker(transaction, coordinatorEpoch: coordinatorEpoch, commit: commit))
    }
}

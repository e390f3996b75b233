import KafkaProtocol
import LogStorage

extension ReplicaFetcher {
    /// How long a follower waits for a leader that has not yet applied the epoch it asked with.
    static let leaderCatchUpMs: Int64 = 20

    /// Applies the leader's answer for one partition: truncate where the logs diverged, append
    /// what came, follow the leader's high watermark and log start offset; on an error, wait
    /// (new metadata will say who leads now). `sentEpoch`: the leader epoch the request carried.
    func apply(_ data: FetchResponse.PartitionData, to partition: Partition, sentEpoch: Int32) {
        let key = partition.topicPartition
        let code = ErrorCode(data.errorCode)
        do throws(StorageError) {
            switch code {
            case .none where data.divergingEpoch.epoch >= 0 || data.divergingEpoch.endOffset >= 0:
                try truncateDiverged(partition, leaderEpoch: data.divergingEpoch.epoch, leaderEndOffset: data.divergingEpoch.endOffset)
            case .none:
                if case .bytes(let records)? = data.records, records.readableBytes > 0 {
                    try startAtFirstBatchIfEmpty(partition, records)
                    try partition.appendAsFollower(records, leaderHighWatermark: data.highWatermark)
                } else {
                    partition.updateFollowerHighWatermark(data.highWatermark)
                }
                if data.logStartOffset > partition.logStartOffset {
                    // The leader deleted records (retention, DeleteRecords): so does this replica.
                    _ = try partition.log.deleteRecords(before: min(data.logStartOffset, partition.highWatermark))
                }
            case .offsetOutOfRange:
                try resetOutOfRange(partition, leaderStart: data.logStartOffset, leaderHighWatermark: data.highWatermark)
            case .fencedLeaderEpoch where partition.leaderEpoch != sentEpoch:
                // The leader moved to an epoch this replica has learned since it asked (an ISR
                // change after a broker died): the next fetch carries it, so no backoff. The
                // metadata that brought it already cleared any backoff, and waiting
                // replica.fetch.backoff.ms here would stall acks=-1 writes for that long.
                break
            case .unknownLeaderEpoch:
                // This replica learned the new epoch before the leader did; it will within
                // milliseconds.
                backOff(key, milliseconds: Self.leaderCatchUpMs)
            default:
                backOff(key)
                logger.info("replica fetch refused; waiting for new metadata", metadata: [
                    "topic": "\(key.topic)", "partition": "\(key.partition)", "error": "\(code)",
                ])
            }
        } catch {
            backOff(key)
            logger.error("cannot apply fetched data", metadata: [
                "topic": "\(key.topic)", "partition": "\(key.partition)", "error": "\(error)",
            ])
        }
    }

    /// The leader's log diverges from ours after (`leaderEpoch`, `leaderEndOffset`): cut ours
    /// back to where both agree (Kafka's getOffsetTruncationState).
    private func truncateDiverged(_ partition: Partition, leaderEpoch: Int32, leaderEndOffset: Int64) throws(StorageError) {
        let log = partition.log
        let (epoch, endOffset) = log.endOffset(forLeaderEpoch: leaderEpoch)
        let target = epoch == leaderEpoch ? min(leaderEndOffset, endOffset) : min(endOffset, log.logEndOffset)
        logger.info("truncating a diverged replica", metadata: [
            "topic": "\(partition.topic)", "partition": "\(partition.index)", "to": "\(target)",
            "leaderEpoch": "\(leaderEpoch)", "leaderEndOffset": "\(leaderEndOffset)",
        ])
        try log.truncate(to: max(target, 0))
    }

    /// Our fetch offset is outside the leader's log: before its start (it deleted what we miss)
    /// we restart empty there; past its end we cut back to its high watermark.
    private func resetOutOfRange(_ partition: Partition, leaderStart: Int64, leaderHighWatermark: Int64) throws(StorageError) {
        let log = partition.log
        logger.warning("replica out of the leader's range; resetting", metadata: [
            "topic": "\(partition.topic)", "partition": "\(partition.index)", "leaderStart": "\(leaderStart)",
            "leaderHighWatermark": "\(leaderHighWatermark)",
        ])
        if log.logEndOffset < leaderStart {
            try log.truncateFullyAndStartAt(leaderStart)
        } else {
            try log.truncate(to: min(log.logEndOffset, max(leaderHighWatermark, 0)))
        }
    }
}

import KafkaProtocol
import LogStorage
import NIOCore

extension ReplicaFetcher {
    /// An empty replica (a replacement broker, or one reset to the leader's log start) may be
    /// sent a first batch that begins before its log start: the leader's log start fell inside
    /// that batch (DeleteRecords, retention). Then the replica starts its log at the batch's base
    /// offset and takes the batch whole, as Kafka's follower does (Partition's handling of
    /// UnexpectedAppendOffsetException); the next fetch answer moves its log start up again.
    func startAtFirstBatchIfEmpty(_ partition: Partition, _ records: ByteBuffer) throws(StorageError) {
        let log = partition.log
        let end = log.logEndOffset
        guard end == log.logStartOffset, let first = RecordBatchHeader(buffer: records, at: records.readerIndex),
            first.baseOffset < end
        else { return }
        var last = first.baseOffset + Int64(first.lastOffsetDelta)
        var index = records.readerIndex + first.totalSize
        while let header = RecordBatchHeader(buffer: records, at: index) {
            last = header.baseOffset + Int64(header.lastOffsetDelta)
            index += header.totalSize
        }
        guard last >= end else { return }
        logger.info("starting an empty replica at the leader's first batch", metadata: [
            "topic": "\(partition.topic)", "partition": "\(partition.index)", "batchStart": "\(first.baseOffset)",
            "logStart": "\(end)",
        ])
        try log.truncateFullyAndStartAt(first.baseOffset)
    }
}

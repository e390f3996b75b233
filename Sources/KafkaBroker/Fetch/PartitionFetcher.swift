import KafkaProtocol
import LogStorage
import NIOCore

/// Reads the partitions of one fetch into response data, honoring the response and partition
/// byte limits (soft: the first batch is returned whole even when larger, KIP-74).
struct PartitionFetcher: Sendable {
    let topics: TopicRegistry
    let isolation: FetchIsolation
    let zeroCopy: Bool
    let usesTopicIds: Bool

    struct Outcome {
        var data: FetchResponse.PartitionData
        var bytes: Int
        /// Errors complete a long-poll at once.
        var failed: Bool
        /// Where the bytes are; turned into records only for the response actually sent, so a
        /// parked or filtered read opens no file descriptor.
        var read: LogReadResult? = nil
    }

    /// Reads every target; `maxBytes` is the response-wide limit.
    func read(_ targets: [FetchTarget], maxBytes: Int32) -> [Outcome] {
        var remaining = Int(max(maxBytes, 0))
        var minOneBatch = true
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(targets.count)
        for target in targets {
            let outcome = read(target, limit: min(remaining, Int(max(target.partitionMaxBytes, 0))), minOneBatch: minOneBatch)
            if outcome.bytes > 0 {
                minOneBatch = false
                remaining = max(0, remaining - outcome.bytes)
            }
            outcomes.append(outcome)
        }
        return outcomes
    }

    func partition(for target: FetchTarget) -> Partition? {
        if usesTopicIds {
            return topics.topic(id: target.topicId)?.partition(target.partition)
        }
        return topics.partition(topic: target.topic, index: target.partition)
    }

    private func read(_ target: FetchTarget, limit: Int, minOneBatch: Bool) -> Outcome {
        var data = FetchResponse.PartitionData(partitionIndex: target.partition, highWatermark: -1)
        guard let partition = partition(for: target) else {
            let code: ErrorCode =
                usesTopicIds && topics.topic(id: target.topicId) == nil ? .unknownTopicId : .unknownTopicOrPartition
            data.errorCode = code.rawValue
            return Outcome(data: data, bytes: 0, failed: true)
        }
        let log = partition.log
        data.highWatermark = log.highWatermark
        let lastStableOffset = log.lastStableOffset
        data.lastStableOffset = lastStableOffset
        data.logStartOffset = log.logStartOffset
        // Null tells the client this is not a read_committed answer.
        data.abortedTransactions = nil
        if target.currentLeaderEpoch >= 0 {
            let epoch = partition.leaderEpoch
            if target.currentLeaderEpoch < epoch {
                data.errorCode = ErrorCode.fencedLeaderEpoch.rawValue
                return Outcome(data: data, bytes: 0, failed: true)
            } else if target.currentLeaderEpoch > epoch {
                data.errorCode = ErrorCode.unknownLeaderEpoch.rawValue
                return Outcome(data: data, bytes: 0, failed: true)
            }
        }
        let maxOffset: Int64
        switch isolation {
        case .highWatermark: maxOffset = data.highWatermark
        case .committed: maxOffset = lastStableOffset
        case .logEnd: maxOffset = log.logEndOffset
        }
        do {
            let result = try log.read(from: target.fetchOffset, maxBytes: limit, maxOffset: maxOffset, minOneBatch: minOneBatch)
            // The log start offset the read was checked against (retention may have moved it since).
            data.logStartOffset = result.logStartOffset
            data.records = .empty
            guard result.length > 0 else {
                if isolation == .committed { data.abortedTransactions = [] }
                return Outcome(data: data, bytes: 0, failed: false)
            }
            if isolation == .committed {
                // Every abort up to the last stable offset: more than this read needs, never less.
                data.abortedTransactions = log.abortedTransactions(from: target.fetchOffset, upTo: maxOffset).map {
                    .init(producerId: $0.producerId, firstOffset: $0.firstOffset)
                }
            }
            return Outcome(data: data, bytes: result.length, failed: false, read: result)
        } catch {
            data.errorCode = error.code.rawValue
            data.records = .empty
            return Outcome(data: data, bytes: 0, failed: true)
        }
    }
}

extension PartitionFetcher.Outcome {
    /// The partition data with its records attached: a file region (sendfile) when the
    /// connection allows zero-copy, else the bytes copied with pread.
    func materialized(zeroCopy: Bool) -> FetchResponse.PartitionData {
        var data = self.data
        guard let read else { return data }
        if zeroCopy, let region = read.fileRegion() {
            data.records = .file(region)
            return data
        }
        do {
            data.records = .bytes(try read.readBytes())
        } catch {
            data.errorCode = error.code.rawValue
            data.records = .empty
        }
        return data
    }
}

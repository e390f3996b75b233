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
    /// A follower's fetch (replica id >= 0): its progress is recorded on each read.
    var follower: FollowerFetch? = nil

    /// Who fetches as a replica, and where ISR changes it earns go.
    struct FollowerFetch: Sendable {
        var replicaId: Int32
        var nowMs: @Sendable () -> Int64
        var isEligible: @Sendable (Int32) -> Bool
        var submitIsrChange: @Sendable (Partition, LeaderReplicaState.PendingIsr) -> Void
        /// leader.replication.throttled.rate; nil: none.
        var throttle: ReplicationThrottle? = nil
    }

    struct Outcome {
        var data: FetchResponse.PartitionData
        var bytes: Int
        /// Errors complete a long-poll at once.
        var failed: Bool
        /// Where the bytes are; turned into records only for the response actually sent, so a
        /// parked or filtered read opens no file descriptor.
        var read: LogReadResult? = nil
        /// The bytes count against the leader's replication throttle.
        var throttled = false
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

    /// The replica of the target's partition held here, whatever its role.
    func partition(for target: FetchTarget) -> Partition? {
        if usesTopicIds {
            return topics.topic(id: target.topicId)?.partition(target.partition)
        }
        return topics.partition(topic: target.topic, index: target.partition)
    }

    private func read(_ target: FetchTarget, limit: Int, minOneBatch: Bool) -> Outcome {
        var data = FetchResponse.PartitionData(partitionIndex: target.partition, highWatermark: -1)
        guard let partition = partition(for: target), partition.isLeader else {
            return failure(notLeader(target), target: target, into: &data)
        }
        let log = partition.log
        var throttledRead = false
        data.highWatermark = log.highWatermark
        let lastStableOffset = log.lastStableOffset
        data.lastStableOffset = lastStableOffset
        data.logStartOffset = log.logStartOffset
        // Null tells the client this is not a read_committed answer.
        data.abortedTransactions = nil
        if target.currentLeaderEpoch >= 0 {
            let epoch = partition.leaderEpoch
            if target.currentLeaderEpoch < epoch {
                return failure(.fencedLeaderEpoch, target: target, into: &data)
            } else if target.currentLeaderEpoch > epoch {
                return failure(.unknownLeaderEpoch, target: target, into: &data)
            }
        }
        if let follower {
            // A follower whose last fetched epoch ended earlier here must truncate first (KIP-595).
            if target.lastFetchedEpoch >= 0 {
                let (epoch, end) = log.endOffset(forLeaderEpoch: target.lastFetchedEpoch)
                if epoch < target.lastFetchedEpoch || end < target.fetchOffset {
                    data.divergingEpoch = .init(epoch: epoch, endOffset: end)
                    data.records = .empty
                    return Outcome(data: data, bytes: 0, failed: true)
                }
            }
            if let change = partition.followerFetched(
                follower.replicaId, fetchOffset: target.fetchOffset, nowMs: follower.nowMs(), isEligible: follower.isEligible) {
                follower.submitIsrChange(partition, change)
            }
            data.highWatermark = log.highWatermark
            if let throttle = follower.throttle, throttle.applies(to: partition.topicPartition, replica: follower.replicaId) {
                // Used up: nothing this time (the follower asks again after max_wait_ms).
                if !throttle.admits() {
                    data.records = .empty
                    return Outcome(data: data, bytes: 0, failed: false)
                }
                throttledRead = true
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
            return Outcome(data: data, bytes: result.length, failed: false, read: result, throttled: throttledRead)
        } catch {
            return failure(error.code, target: target, into: &data)
        }
    }

    /// Why the partition cannot be read here: unknown, or led by another broker (or none).
    private func notLeader(_ target: FetchTarget) -> ErrorCode {
        if usesTopicIds, topics.topic(id: target.topicId) == nil { return .unknownTopicId }
        guard let topic = usesTopicIds ? topics.topic(id: target.topicId) : topics.topic(named: target.topic),
              topic.hasPartition(target.partition) else { return .unknownTopicOrPartition }
        return .notLeaderOrFollower
    }

    /// An error for one partition; NOT_LEADER_OR_FOLLOWER carries the current leader (KIP-951).
    private func failure(_ code: ErrorCode, target: FetchTarget, into data: inout FetchResponse.PartitionData) -> Outcome {
        data.errorCode = code.rawValue
        data.records = .empty
        let name = usesTopicIds ? topics.cache.topic(id: target.topicId)?.name : target.topic
        if code == .notLeaderOrFollower || code == .fencedLeaderEpoch, let name,
           let state = topics.cache.state(of: TopicPartition(topic: name, partition: target.partition)), state.hasLeader {
            data.currentLeader = .init(leaderId: state.leader, leaderEpoch: state.leaderEpoch)
        }
        return Outcome(data: data, bytes: 0, failed: true)
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

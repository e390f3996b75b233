import Cluster
import KafkaProtocol
import LogStorage
import NIOCore

/// Produce: validate each partition's record batches and append the client's bytes with one
/// write (offsets go into copies of the batch headers; the request's bytes stay as sent), on
/// the partition's leader only (others answer NOT_LEADER_OR_FOLLOWER with the current leader,
/// KIP-951). acks=0 gets no response; acks=1 is answered after the leader's write; acks=-1
/// after every in-sync replica has the records, and only while the ISR meets
/// min.insync.replicas.
struct ProduceHandler: ApiHandler {
    typealias Request = ProduceRequest
    let versions: ClosedRange<Int16> = 0...11
    let topics: TopicRegistry
    let metrics: BrokerMetrics
    let clock: @Sendable () -> Int64

    func handle(_ request: ProduceRequest, context: RequestContext) -> HandlerResult<ProduceResponse> {
        let acksValid = request.acks == 0 || request.acks == 1 || request.acks == -1
        var response = ProduceResponse()
        response.responses.reserveCapacity(request.topicData.count)
        var waits: [DelayedProduce.Wait] = []
        var leaders = Set<Int32>()
        for (topicIndex, topicData) in request.topicData.enumerated() {
            var topicResponse = ProduceResponse.TopicProduceResponse(name: topicData.name)
            topicResponse.partitionResponses.reserveCapacity(topicData.partitionData.count)
            for partitionData in topicData.partitionData {
                var result = ProduceResponse.PartitionProduceResponse(index: partitionData.index)
                let key = TopicPartition(topic: topicData.name, partition: partitionData.index)
                if !acksValid {
                    result.errorCode = ErrorCode.invalidRequiredAcks.rawValue
                } else {
                    switch topics.replicas.leader(of: key, in: topics.cache) {
                    case .success(let partition):
                        if let wait = append(partitionData, to: partition, acks: request.acks, into: &result, context: context) {
                            waits.append(.init(
                                topicIndex: topicIndex, partitionIndex: topicResponse.partitionResponses.count, partition: partition,
                                requiredOffset: wait.requiredOffset, minInSyncReplicas: wait.minInSyncReplicas))
                        }
                    case .failure(let error):
                        result.errorCode = error.code.rawValue
                        if error.code == .notLeaderOrFollower, let leader = currentLeader(key) {
                            result.currentLeader = leader
                            leaders.insert(leader.leaderId)
                        }
                    }
                }
                topicResponse.partitionResponses.append(result)
            }
            response.responses.append(topicResponse)
        }
        if request.acks == 0 { return .noResponse }
        if context.apiVersion >= 10 { response.nodeEndpoints = endpoints(leaders) }
        // Replicas already caught up (a leader alone in its ISR): no parking, no allocation.
        DelayedProduce.settle(&waits, in: &response)
        guard !waits.isEmpty else { return .respond(response) }
        let delayed = DelayedProduce(eventLoop: context.eventLoop, response: response, waits: waits)
        return .later(delayed.park(timeoutMs: Int64(request.timeoutMs)))
    }

    /// Validates and appends; for acks=-1 returns what the high watermark must reach and the
    /// in-sync replicas the answer needs.
    private func append(
        _ data: ProduceRequest.PartitionProduceData, to partition: Partition, acks: Int16,
        into result: inout ProduceResponse.PartitionProduceResponse, context: RequestContext
    ) -> (requiredOffset: Int64, minInSyncReplicas: Int)? {
        guard case .bytes(let records)? = data.records, records.readableBytes > 0 else {
            result.errorCode = ErrorCode.corruptMessage.rawValue
            result.errorMessage = "empty records"
            return nil
        }
        let config = partition.log.config
        var minInSync = 0
        if acks == -1 {
            let (inSync, required) = partition.inSyncReplicaCount
            guard inSync >= required else {
                result.errorCode = ErrorCode.notEnoughReplicas.rawValue
                result.errorMessage = "The size of the current ISR \(inSync) is insufficient to satisfy the min.isr requirement of \(required) for partition \(partition.topic)-\(partition.index)"
                return nil
            }
            minInSync = required
        }
        let now = clock()
        let policy = RecordValidationPolicy(
            compactedTopic: config.isCompacted, timestampType: config.messageTimestampType,
            timestampBeforeMaxMs: config.messageTimestampBeforeMaxMs, timestampAfterMaxMs: config.messageTimestampAfterMaxMs,
            maxMessageBytes: config.maxMessageBytes)
        let validated: ValidatedRecordBatch
        let decompression = DecompressionBuffer.current
        defer { decompression.trim() }
        switch RecordBatchValidator.validate(
            records, policy: policy, requestVersion: context.apiVersion, now: now,
            decompressionBuffer: &decompression.buffer) {
        case .success(let batch):
            validated = batch
        case .failure(let failure):
            result.errorCode = failure.code.rawValue
            result.errorMessage = failure.message
            if !failure.recordErrors.isEmpty {
                result.recordErrors = failure.recordErrors.map { .init(batchIndex: $0.batchIndex, batchIndexErrorMessage: $0.message) }
            }
            context.logger.debug("rejected produce", metadata: [
                "topic": "\(partition.topic)", "partition": "\(partition.index)", "reason": "\(failure.message)",
            ])
            return nil
        }
        let logAppendTime: Int64? = config.messageTimestampType == .logAppendTime ? now : nil
        do {
            let appended = try partition.appendAsLeader(records, logAppendTime: logAppendTime, nowMs: now)
            result.baseOffset = appended.firstOffset
            // A retried batch repeats its original append's time (-1 on CreateTime topics).
            result.logAppendTimeMs = appended.logAppendTime
            result.logStartOffset = appended.logStartOffset
            if !appended.isDuplicate {
                metrics.bytesIn.increment(by: Int64(records.readableBytes))
                metrics.messagesIn.increment(by: Int64(validated.header.recordCount))
            }
            return acks == -1 ? (appended.lastOffset + 1, minInSync) : nil
        } catch {
            result.errorCode = error.code.rawValue
            result.errorMessage = error.message
            // The broker's own failures are errors; a producer's (sequence, epoch) are its business.
            let serverSide = error.code == .kafkaStorageError || error.code == .unknownServerError
            context.logger.log(level: serverSide ? .error : .debug, "append failed", metadata: [
                "topic": "\(partition.topic)", "partition": "\(partition.index)", "error": "\(error)",
            ])
            return nil
        }
    }

    /// The partition's current leader, for a client that asked the wrong broker (KIP-951).
    private func currentLeader(_ key: TopicPartition) -> ProduceResponse.LeaderIdAndEpoch? {
        guard let state = topics.cache.state(of: key), state.hasLeader else { return nil }
        return .init(leaderId: state.leader, leaderEpoch: state.leaderEpoch)
    }

    private func endpoints(_ ids: Set<Int32>) -> [ProduceResponse.NodeEndpoint] {
        ids.sorted().compactMap { id in
            guard let broker = topics.cache.broker(id), let endpoint = broker.endpoint() else { return nil }
            return .init(nodeId: id, host: endpoint.host, port: Int32(endpoint.port), rack: broker.rack)
        }
    }
}

import KafkaProtocol
import LogStorage
import NIOCore

/// Produce: validate each partition's record batches and append the client's bytes with one
/// write (offsets are assigned in copies of the batch headers; the request's bytes stay as sent). acks=0 gets no response; acks=1 and -1 are answered after
/// the append (on one broker the ISR is the leader alone).
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
        for topicData in request.topicData {
            let state = topics.topic(named: topicData.name)
            var topicResponse = ProduceResponse.TopicProduceResponse(name: topicData.name)
            topicResponse.partitionResponses.reserveCapacity(topicData.partitionData.count)
            for partitionData in topicData.partitionData {
                var result = ProduceResponse.PartitionProduceResponse(index: partitionData.index)
                if !acksValid {
                    result.errorCode = ErrorCode.invalidRequiredAcks.rawValue
                } else if let partition = state?.partition(partitionData.index), let metadata = state?.metadata {
                    append(partitionData, to: partition, topic: metadata, acks: request.acks, into: &result, context: context)
                } else {
                    result.errorCode = ErrorCode.unknownTopicOrPartition.rawValue
                }
                topicResponse.partitionResponses.append(result)
            }
            response.responses.append(topicResponse)
        }
        if request.acks == 0 { return .noResponse }
        return .respond(response)
    }

    private func append(
        _ data: ProduceRequest.PartitionProduceData, to partition: Partition, topic: TopicMetadata, acks: Int16,
        into result: inout ProduceResponse.PartitionProduceResponse, context: RequestContext
    ) {
        guard case .bytes(var records)? = data.records, records.readableBytes > 0 else {
            result.errorCode = ErrorCode.corruptMessage.rawValue
            result.errorMessage = "empty records"
            return
        }
        let config = partition.log.config
        if acks == -1, config.minInsyncReplicas > 1 {
            // One broker: the ISR is the leader alone.
            result.errorCode = ErrorCode.notEnoughReplicas.rawValue
            result.errorMessage = "The size of the current ISR 1 is insufficient to satisfy the min.isr requirement of \(config.minInsyncReplicas) for partition \(partition.topic)-\(partition.index)"
            return
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
            return
        }
        let logAppendTime: Int64? = config.messageTimestampType == .logAppendTime ? now : nil
        do {
            let appended = try partition.appendAsLeader(&records, logAppendTime: logAppendTime)
            result.baseOffset = appended.firstOffset
            // A retried batch repeats its original append's time (-1 on CreateTime topics).
            result.logAppendTimeMs = appended.logAppendTime
            result.logStartOffset = appended.logStartOffset
            if !appended.isDuplicate {
                metrics.bytesIn.increment(by: Int64(records.readableBytes))
                metrics.messagesIn.increment(by: Int64(validated.header.recordCount))
            }
        } catch {
            result.errorCode = error.code.rawValue
            result.errorMessage = error.message
            // The broker's own failures are errors; a producer's (sequence, epoch) are its business.
            let serverSide = error.code == .kafkaStorageError || error.code == .unknownServerError
            context.logger.log(level: serverSide ? .error : .debug, "append failed", metadata: [
                "topic": "\(partition.topic)", "partition": "\(partition.index)", "error": "\(error)",
            ])
        }
    }
}

import NIOCore

extension RecordBatchValidator {
    /// Record-level checks: structure, count, sequential offsets, keys on compacted topics and
    /// timestamps. Like Kafka, every record is examined and a timestamp error outranks key errors.
    static func checkRecords(
        _ section: ByteBuffer, header: RecordBatchHeader, policy: RecordValidationPolicy, now: Int64
    ) -> Result<ValidatedRecordBatch, RecordValidationError> {
        var iterator = RecordIterator(section)
        var failures: [RecordValidationError.RecordFailure] = []
        var sawTimestampError = false
        var maxTimestamp: Int64 = -1
        var index: Int32 = 0
        while index < header.recordCount {
            let record: Record
            do {
                guard let next = try iterator.next() else {
                    return .failure(.init(.invalidRecord,
                        "batch declares \(header.recordCount) records but holds \(index)"))
                }
                record = next
            } catch {
                return .failure(.init(.invalidRecord, "record \(index) is malformed: \(error)"))
            }
            if record.offsetDelta != index {
                return .failure(.init(.invalidRecord,
                    "record \(index) has offsetDelta \(record.offsetDelta); offsets must be sequential"))
            }
            let timestamp = record.timestamp(in: header)
            if policy.compactedTopic && record.key == nil {
                failures.append(.init(batchIndex: index, message: "compacted topic cannot accept a record without a key"))
            } else if let message = timestampProblem(timestamp, header: header, policy: policy, now: now) {
                failures.append(.init(batchIndex: index, message: message))
                sawTimestampError = true
            }
            if timestamp > maxTimestamp { maxTimestamp = timestamp }
            index += 1
        }
        if iterator.remainingBytes > 0 {
            return .failure(.init(.invalidRecord,
                "\(iterator.remainingBytes) bytes follow the \(header.recordCount) declared records"))
        }
        if !failures.isEmpty {
            if sawTimestampError {
                return .failure(.init(.invalidTimestamp,
                    "one or more records have been rejected due to invalid timestamp", recordErrors: failures))
            }
            return .failure(.init(.invalidRecord,
                "one or more records have been rejected due to \(failures.count) record errors",
                recordErrors: failures))
        }
        return .success(ValidatedRecordBatch(
            header: header, maxRecordTimestamp: maxTimestamp, uncompressedRecordsBytes: section.readableBytes))
    }

    /// LogValidator.validateTimestamp. Java long arithmetic wraps, so this does too.
    static func timestampProblem(
        _ timestamp: Int64, header: RecordBatchHeader, policy: RecordValidationPolicy, now: Int64
    ) -> String? {
        if policy.timestampType == .createTime && timestamp != -1 {
            let difference = now &- timestamp
            if difference > policy.timestampBeforeMaxMs || (0 &- difference) > policy.timestampAfterMaxMs {
                return "timestamp \(timestamp) is out of range [now - \(policy.timestampBeforeMaxMs), now + \(policy.timestampAfterMaxMs)]"
            }
        } else if header.timestampType == .logAppendTime {
            return "producers may not set the timestamp type to LogAppendTime"
        }
        return nil
    }
}

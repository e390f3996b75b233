import NIOCore

extension RecordBatchValidator {
    /// Record-level checks: structure, count, sequential offsets, keys on compacted topics and
    /// timestamps. Like Kafka, every record is examined and a timestamp error outranks key errors.
    static func checkRecords(
        _ section: ByteBuffer, header: RecordBatchHeader, policy: RecordValidationPolicy, now: Int64
    ) -> Result<ValidatedRecordBatch, RecordValidationError> {
        section.withUnsafeReadableBytes { bytes in
            scanRecords(bytes, header: header, policy: policy, now: now).map { maxTimestamp in
                ValidatedRecordBatch(
                    header: header, maxRecordTimestamp: maxTimestamp, uncompressedRecordsBytes: bytes.count)
            }
        }
    }

    /// Walks the records as numbers (`RecordLayout`), creating no buffers, and returns the
    /// largest record timestamp (-1 if none had one).
    static func scanRecords(
        _ bytes: UnsafeRawBufferPointer, header: RecordBatchHeader, policy: RecordValidationPolicy, now: Int64
    ) -> Result<Int64, RecordValidationError> {
        var failures: [RecordValidationError.RecordFailure] = []
        var sawTimestampError = false
        var maxTimestamp: Int64 = -1
        var position = 0
        var index: Int32 = 0
        while index < header.recordCount {
            guard position < bytes.count else {
                return .failure(.init(.invalidRecord, "batch declares \(header.recordCount) records but holds \(index)"))
            }
            let record: RecordLayout
            do {
                record = try RecordLayout.parse(bytes, at: position)
            } catch {
                return .failure(.init(.invalidRecord, "record \(index) is malformed: \(error)"))
            }
            position = record.end
            if record.offsetDelta != index {
                return .failure(.init(.invalidRecord,
                    "record \(index) has offsetDelta \(record.offsetDelta); offsets must be sequential"))
            }
            let timestamp = header.recordTimestamp(delta: record.timestampDelta)
            if policy.compactedTopic && !record.hasKey {
                failures.append(.init(batchIndex: index, message: "compacted topic cannot accept a record without a key"))
            } else if let message = timestampProblem(timestamp, header: header, policy: policy, now: now) {
                failures.append(.init(batchIndex: index, message: message))
                sawTimestampError = true
            }
            if timestamp > maxTimestamp { maxTimestamp = timestamp }
            index += 1
        }
        if position < bytes.count {
            return .failure(.init(.invalidRecord,
                "\(bytes.count - position) bytes follow the \(header.recordCount) declared records"))
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
        return .success(maxTimestamp)
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

import KafkaProtocol
import NIOCore

/// One record read back from a partition. Key, value and header bytes are slices of the
/// fetched (or decompressed) buffer, not copies.
public struct ConsumedRecord: Sendable, Equatable {
    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the epoch: the producer's time, or the broker's for LogAppendTime.
    public var timestamp: Int64
    public var timestampType: TimestampType
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]
}

/// What one Fetch returned for one partition.
public struct FetchedRecords: Sendable {
    public var records: [ConsumedRecord]
    public var highWatermark: Int64
    public var lastStableOffset: Int64
    public var logStartOffset: Int64
    /// Where to fetch next: past the last batch returned (control batches included), or the
    /// requested offset when nothing came back.
    public var nextOffset: Int64
}

extension KafkaClient {
    /// Largest decompressed batch accepted; protects the client from compression bombs.
    static let maxDecompressedBatchBytes = 256 * 1024 * 1024

    /// Records of one partition from `offset` on (records before it in the first batch are
    /// dropped). Waits up to `maxWaitMs` for at least `minBytes`.
    public nonisolated func fetch(
        topic: String, partition: Int32, offset: Int64, maxWaitMs: Int32 = 500, minBytes: Int32 = 1,
        maxBytes: Int32 = 1 << 20
    ) async throws -> [ConsumedRecord] {
        try await fetchRecords(
            topic: topic, partition: partition, offset: offset, maxWaitMs: maxWaitMs, minBytes: minBytes,
            maxBytes: maxBytes
        ).records
    }

    /// `fetch`, plus the partition's watermarks and where to continue.
    public nonisolated func fetchRecords(
        topic: String, partition: Int32, offset: Int64, maxWaitMs: Int32 = 500, minBytes: Int32 = 1,
        maxBytes: Int32 = 1 << 20
    ) async throws -> FetchedRecords {
        let request = FetchRequest(
            replicaId: -1, maxWaitMs: maxWaitMs, minBytes: minBytes, maxBytes: maxBytes, isolationLevel: 0,
            sessionId: 0, sessionEpoch: -1,
            topics: [
                FetchRequest.FetchTopic(
                    topic: topic,
                    partitions: [
                        FetchRequest.FetchPartition(
                            partition: partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1,
                            partitionMaxBytes: maxBytes)
                    ])
            ], rackId: "")
        let timeout = configuration.connection.requestTimeout + .milliseconds(Int64(max(maxWaitMs, 0)))
        return try await withRetries(topic: topic) { [self] in
            let connection = try await leaderConnection(topic: topic, partition: partition)
            let response = try await connection.send(request, timeout: timeout)
            if let error = KafkaClientError.check(
                response.errorCode, api: .fetch, topic: topic, partition: partition, broker: connection.brokerLabel)
            {
                throw error
            }
            guard
                let data = response.responses.first(where: { $0.topic == topic })?.partitions
                    .first(where: { $0.partitionIndex == partition })
            else {
                throw KafkaClientError(
                    .protocolViolation("Fetch response has no partition \(partition)"), api: .fetch, topic: topic,
                    partition: partition, broker: connection.brokerLabel)
            }
            if let error = KafkaClientError.check(
                data.errorCode, api: .fetch, topic: topic, partition: partition, broker: connection.brokerLabel)
            {
                throw error
            }
            var payload = ByteBuffer()
            if case .bytes(let bytes)? = data.records { payload = bytes }
            do {
                let (records, next) = try Self.decodeRecords(payload, partition: partition, from: offset)
                return FetchedRecords(
                    records: records, highWatermark: data.highWatermark, lastStableOffset: data.lastStableOffset,
                    logStartOffset: data.logStartOffset, nextOffset: next ?? offset)
            } catch let error as KafkaClientError {
                throw error.with(api: .fetch, topic: topic, partition: partition, broker: connection.brokerLabel)
            }
        }
    }

    /// Reads the batches in a Fetch payload: checks CRCs, decompresses, skips control batches
    /// and records before `offset`. Returns the records and the offset after the last batch.
    public static func decodeRecords(
        _ payload: ByteBuffer, partition: Int32, from offset: Int64
    ) throws(KafkaClientError) -> (records: [ConsumedRecord], nextOffset: Int64?) {
        var batches = RecordBatchIterator(payload)
        var out: [ConsumedRecord] = []
        var next: Int64?
        while let batch = batches.next() {
            let header = batch.header
            next = max(next ?? header.lastOffset + 1, header.lastOffset + 1)
            if header.isControl || header.lastOffset < offset { continue }
            guard header.crcIsValid(in: batch.bytes, at: batch.bytes.readerIndex) else {
                throw KafkaClientError(.kafka(.corruptMessage), message: "CRC mismatch in batch at offset \(header.baseOffset)")
            }
            var section = batch.records
            if header.compression != .none {
                do {
                    section = try header.compression.decompress(section, maxOutputBytes: maxDecompressedBatchBytes)
                } catch {
                    throw KafkaClientError(
                        .kafka(.corruptMessage), message: "batch at offset \(header.baseOffset): \(error)")
                }
            }
            var records = RecordIterator(section)
            do {
                while let record = try records.next() {
                    let recordOffset = record.offset(in: header)
                    if recordOffset < offset { continue }
                    out.append(ConsumedRecord(
                        partition: partition, offset: recordOffset, timestamp: record.timestamp(in: header),
                        timestampType: header.timestampType, key: record.key, value: record.value,
                        headers: Array(record.headers)))
                }
            } catch {
                throw KafkaClientError(.kafka(.corruptMessage), message: "batch at offset \(header.baseOffset): \(error)")
            }
        }
        switch batches.stop {
        case .unsupportedMagic(_, let magic)?:
            throw KafkaClientError(.protocolViolation("message format v\(magic) is not supported"))
        case .invalidLength(_, let length)?:
            throw KafkaClientError(.kafka(.corruptMessage), message: "record batch length \(length)")
        case .partialBatch?, nil:
            break
        }
        if next == nil, batches.trailingPartialBytes > 0 {
            throw KafkaClientError(.invalidArgument(
                "The next record batch is larger than the fetch's maxBytes; fetch with a larger maxBytes."))
        }
        return (out, next)
    }
}

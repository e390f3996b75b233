import KafkaProtocol
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A record to send.
public struct ProducerRecord: Sendable, Equatable {
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [RecordHeader]
    /// Milliseconds since the epoch; nil = when the batch is built.
    public var timestamp: Int64?

    public init(key: ByteBuffer? = nil, value: ByteBuffer?, headers: [RecordHeader] = [], timestamp: Int64? = nil) {
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// UTF-8 strings for key, value and headers.
    public init(key: String?, value: String?, headers: [(String, String?)] = [], timestamp: Int64? = nil) {
        self.init(
            key: key.map { ByteBuffer(string: $0) }, value: value.map { ByteBuffer(string: $0) },
            headers: headers.map { RecordHeader(key: ByteBuffer(string: $0.0), value: $0.1.map { ByteBuffer(string: $0) }) },
            timestamp: timestamp)
    }
}

/// How many replicas must have a batch before the leader answers.
public enum Acks: Int16, Sendable {
    /// No answer at all; the base offset is unknown (-1).
    case none = 0
    case leader = 1
    /// Every in-sync replica.
    case all = -1
}

extension KafkaClient {
    /// The partition a record with `key` goes to when none is given: murmur2 of the key like
    /// Java's default partitioner, else round-robin over the topic's partitions.
    public func choosePartition(topic: String, key: ByteBuffer?) async throws -> Int32 {
        let metadata = try await topicMetadata(topic)
        let count = metadata.partitions.count
        guard count > 0 else { throw KafkaClientError(.noLeader, topic: topic) }
        if let key { return Partitioner.partition(forKey: key, partitionCount: count) }
        let next = roundRobin[topic] ?? Int.random(in: 0..<count)
        roundRobin[topic] = (next + 1) % count
        return metadata.partitions[next % count].partition
    }

    /// Sends `records` as one batch per partition and returns the base offset of the batch
    /// holding the first record (-1 with `acks: .none`).
    ///
    /// With `partition` nil, keyed records go where murmur2 of the key says and the keyless
    /// ones of this call go together to the next partition in round-robin order.
    /// Retriable errors (leader moved, no leader yet) refresh metadata and resend; a resend
    /// after a dropped connection may duplicate the batch, as in any non-idempotent producer.
    @discardableResult
    public nonisolated func produce(
        topic: String, partition: Int32? = nil, records: [ProducerRecord], acks: Acks = .all,
        compression: CompressionCodec = .none, timeoutMs: Int32 = 30_000
    ) async throws -> Int64 {
        guard let first = records.first else {
            throw KafkaClientError(.invalidArgument("There are no records to send."), api: .produce, topic: topic)
        }
        if let partition {
            return try await produceBatch(
                topic: topic, partition: partition, records: records, acks: acks, compression: compression,
                timeoutMs: timeoutMs)
        }
        var order: [Int32] = []
        var groups: [Int32: [ProducerRecord]] = [:]
        var keyless: Int32?
        for record in records {
            let p: Int32
            if let key = record.key {
                p = try await choosePartition(topic: topic, key: key)
            } else if let keyless {
                p = keyless
            } else {
                p = try await choosePartition(topic: topic, key: nil)
                keyless = p
            }
            if groups[p] == nil { order.append(p) }
            groups[p, default: []].append(record)
        }
        let firstPartition = first.key == nil ? keyless : order.first
        let offsets = try await withThrowingTaskGroup(of: (Int32, Int64).self) { group in
            for p in order {
                let batch = groups[p] ?? []
                group.addTask {
                    let offset = try await self.produceBatch(
                        topic: topic, partition: p, records: batch, acks: acks, compression: compression,
                        timeoutMs: timeoutMs)
                    return (p, offset)
                }
            }
            var out: [Int32: Int64] = [:]
            for try await (p, offset) in group { out[p] = offset }
            return out
        }
        return firstPartition.flatMap { offsets[$0] } ?? -1
    }

    /// One batch to one partition's leader.
    nonisolated func produceBatch(
        topic: String, partition: Int32, records: [ProducerRecord], acks: Acks, compression: CompressionCodec,
        timeoutMs: Int32
    ) async throws -> Int64 {
        let now = Self.wallClockMilliseconds()
        var builder = RecordBatchBuilder(compression: compression)
        for record in records {
            builder.append(key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp ?? now)
        }
        let batch: ByteBuffer
        do {
            batch = try builder.build()
        } catch {
            throw KafkaClientError(
                .invalidArgument("Cannot compress the batch with \(compression): \(error)."), api: .produce,
                topic: topic, partition: partition)
        }
        let request = ProduceRequest(
            transactionalId: nil, acks: acks.rawValue, timeoutMs: timeoutMs,
            topicData: [
                ProduceRequest.TopicProduceData(
                    name: topic,
                    partitionData: [ProduceRequest.PartitionProduceData(index: partition, records: .bytes(batch))])
            ])
        return try await withRetries(topic: topic) { [self] in
            let connection = try await leaderConnection(topic: topic, partition: partition)
            let response = try await connection.send(request)
            if acks == .none { return -1 }
            guard
                let result = response.responses.first(where: { $0.name == topic })?.partitionResponses
                    .first(where: { $0.index == partition })
            else {
                throw KafkaClientError(
                    .protocolViolation("Produce response has no partition \(partition)"), api: .produce, topic: topic,
                    partition: partition, broker: connection.brokerLabel)
            }
            // Per-record messages say why (e.g. a keyless record on a compacted topic).
            let recordErrors = result.recordErrors.compactMap(\.batchIndexErrorMessage).joined(separator: "; ")
            if let error = KafkaClientError.check(
                result.errorCode, api: .produce, topic: topic, partition: partition, broker: connection.brokerLabel,
                message: recordErrors.isEmpty ? result.errorMessage : recordErrors)
            {
                throw error
            }
            return result.baseOffset
        }
    }

    static func wallClockMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

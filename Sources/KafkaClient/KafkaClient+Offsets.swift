import KafkaProtocol

/// Which offset ListOffsets should find.
public enum OffsetSpec: Sendable, Equatable {
    /// The log start offset.
    case earliest
    /// The high watermark: the offset the next record will get.
    case latest
    /// The offset of the record with the largest timestamp (ListOffsets v7+).
    case maxTimestamp
    /// The first offset whose timestamp is at or after this (ms since the epoch).
    case timestamp(Int64)

    var wireTimestamp: Int64 {
        switch self {
        case .earliest: return -2
        case .latest: return -1
        case .maxTimestamp: return -3
        case .timestamp(let ms): return ms
        }
    }
}

/// One replica's log on one broker, from DescribeLogDirs.
public struct ReplicaLogDir: Sendable, Equatable {
    public var broker: Int32
    public var logDir: String
    public var partition: Int32
    /// Bytes on disk for this replica.
    public var size: Int64
    public var offsetLag: Int64
    public var isFuture: Bool
}

extension KafkaClient {
    /// Offsets per partition (all partitions when `partitions` is nil). A timestamp with no
    /// record at or after it gives -1.
    public func listOffsets(topic: String, partitions: [Int32]? = nil, spec: OffsetSpec) async throws -> [Int32: Int64] {
        try await withRetries(topic: topic) { [self] in
            let byLeader = try await partitionsByLeader(topic: topic, partitions: partitions)
            return try await withThrowingTaskGroup(of: [Int32: Int64].self) { group in
                for (leader, parts) in byLeader {
                    group.addTask {
                        let connection = try await self.connection(toBroker: leader)
                        return try await Self.listOffsets(on: connection, topic: topic, partitions: parts, spec: spec)
                    }
                }
                var out: [Int32: Int64] = [:]
                for try await part in group { out.merge(part) { a, _ in a } }
                return out
            }
        }
    }

    /// Groups partitions by their leader's node id; fails on unknown partitions or no leader.
    func partitionsByLeader(topic: String, partitions: [Int32]?) async throws -> [Int32: [Int32]] {
        let metadata = try await topicMetadata(topic)
        var byLeader: [Int32: [Int32]] = [:]
        for index in partitions ?? metadata.partitions.map(\.partition) {
            guard let p = metadata.partition(index) else {
                throw KafkaClientError(
                    .unknownPartition(partitionCount: metadata.partitions.count), topic: topic, partition: index)
            }
            guard p.leader >= 0 else { throw KafkaClientError(.noLeader, topic: topic, partition: index) }
            byLeader[p.leader, default: []].append(index)
        }
        return byLeader
    }

    static func listOffsets(
        on connection: KafkaConnection, topic: String, partitions: [Int32], spec: OffsetSpec
    ) async throws -> [Int32: Int64] {
        let request = ListOffsetsRequest(
            replicaId: -1, isolationLevel: 0,
            topics: [
                ListOffsetsRequest.ListOffsetsTopic(
                    name: topic,
                    partitions: partitions.map {
                        ListOffsetsRequest.ListOffsetsPartition(
                            partitionIndex: $0, currentLeaderEpoch: -1, timestamp: spec.wireTimestamp, maxNumOffsets: 1)
                    })
            ])
        let response = try await connection.send(request)
        var out: [Int32: Int64] = [:]
        for t in response.topics where t.name == topic {
            for p in t.partitions {
                if let error = KafkaClientError.check(
                    p.errorCode, api: .listOffsets, topic: topic, partition: p.partitionIndex,
                    broker: connection.brokerLabel)
                {
                    throw error
                }
                out[p.partitionIndex] = p.offset
            }
        }
        for p in partitions where out[p] == nil {
            throw KafkaClientError(
                .protocolViolation("ListOffsets response has no partition \(p)"), api: .listOffsets, topic: topic,
                partition: p, broker: connection.brokerLabel)
        }
        return out
    }

    /// Every replica's on-disk size for the topic, asking each broker that holds a replica.
    public func describeLogDirs(topic: String) async throws -> [ReplicaLogDir] {
        let metadata = try await topicMetadata(topic)
        let brokers = Set(metadata.partitions.flatMap { $0.replicas.isEmpty ? [$0.leader] : $0.replicas })
            .filter { $0 >= 0 }
        let request = DescribeLogDirsRequest(topics: [
            DescribeLogDirsRequest.DescribableLogDirTopic(topic: topic, partitions: metadata.partitions.map(\.partition))
        ])
        return try await withThrowingTaskGroup(of: [ReplicaLogDir].self) { group in
            for broker in brokers {
                group.addTask {
                    let connection = try await self.connection(toBroker: broker)
                    let response = try await connection.send(request)
                    if let error = KafkaClientError.check(
                        response.errorCode, api: .describeLogDirs, topic: topic, broker: connection.brokerLabel)
                    {
                        throw error
                    }
                    var out: [ReplicaLogDir] = []
                    for dir in response.results where dir.errorCode == 0 {
                        for t in dir.topics where t.name == topic {
                            for p in t.partitions {
                                out.append(ReplicaLogDir(
                                    broker: broker, logDir: dir.logDir, partition: p.partitionIndex,
                                    size: p.partitionSize, offsetLag: p.offsetLag, isFuture: p.isFutureKey))
                            }
                        }
                    }
                    return out
                }
            }
            var all: [ReplicaLogDir] = []
            for try await part in group { all += part }
            return all.sorted { ($0.partition, $0.broker) < ($1.partition, $1.broker) }
        }
    }
}

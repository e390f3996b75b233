import Cluster
import KafkaClient
import KafkaProtocol
import LogStorage
import Logging
import NIOCore
import Synchronization

/// Fetches, as a follower, every partition this broker follows from one leader (Kafka's
/// ReplicaFetcherThread): one connection, one Fetch at a time for all of them, each from its
/// log end and with its last fetched epoch, so the leader can tell it to truncate first when
/// its log diverged (KIP-595's diverging epoch). What arrives is appended with the leader's
/// offsets and epochs, and the leader's high watermark and log start offset follow.
final class ReplicaFetcher: Sendable {
    let leaderId: Int32
    let localBrokerId: Int32
    private let cache: MetadataCache
    private let settings: ReplicaFetchSettings
    /// follower.replication.throttled.rate, shared by the broker's fetchers; nil: none.
    let throttle: ReplicationThrottle?
    let logger: Logger

    private struct State {
        var partitions: [TopicPartition: Partition] = [:]
        /// Partitions that failed, and when they may be fetched again.
        var backoffUntil: [TopicPartition: ContinuousClock.Instant] = [:]
        var task: Task<Void, Never>?
        /// The connection to the leader while open, so stopping closes it under a parked fetch.
        var connection: KafkaConnection?
    }
    private let state = Mutex(State())

    init(
        leaderId: Int32, localBrokerId: Int32, cache: MetadataCache, settings: ReplicaFetchSettings, throttle: ReplicationThrottle? = nil,
        logger: Logger
    ) {
        self.leaderId = leaderId
        self.localBrokerId = localBrokerId
        self.cache = cache
        self.settings = settings
        self.throttle = throttle
        var logger = logger
        logger[metadataKey: "leader"] = "\(leaderId)"
        self.logger = logger
    }

    var isEmpty: Bool { state.withLock { $0.partitions.isEmpty } }

    func add(_ partition: Partition) {
        state.withLock { s in
            s.partitions[partition.topicPartition] = partition
            s.backoffUntil[partition.topicPartition] = nil
        }
    }

    func remove(_ key: TopicPartition) {
        state.withLock { s in
            s.partitions[key] = nil
            s.backoffUntil[key] = nil
        }
    }

    func start() {
        let task = Task { [weak self] in
            guard let self else { return }
            await self.run()
        }
        state.withLock { $0.task = task }
    }

    func stop() {
        state.withLock { s in
            s.task?.cancel()
            s.task = nil
        }
    }

    /// Stops and waits until the fetch loop has ended and its connection is closed: at broker
    /// shutdown nothing may be left to run on the event loops about to stop.
    func stopAndWait() async {
        let (task, connection) = state.withLock { s in
            s.task?.cancel()
            defer { s.task = nil }
            return (s.task, s.connection)
        }
        await connection?.close()
        await task?.value
    }

    /// Backs a partition off after an error (it waits for new metadata, or the leader to recover),
    /// for replica.fetch.backoff.ms or a shorter `milliseconds`.
    func backOff(_ key: TopicPartition, milliseconds: Int64? = nil) {
        let until = ContinuousClock.now + .milliseconds(min(milliseconds ?? settings.backoffMs, settings.backoffMs))
        state.withLock { $0.backoffUntil[key] = until }
    }

    private func run() async {
        var connection: KafkaConnection?
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let ready = state.withLock { s in s.partitions.filter { s.backoffUntil[$0.key].map { $0 <= now } ?? true } }
            let (due, throttled) = applyingThrottle(ready)
            if due.isEmpty {
                // Nothing to fetch now; new partitions are picked up within this pause.
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            do {
                if connection == nil || connection?.isActive == false {
                    let opened = try await connect()
                    connection = opened
                    state.withLock { $0.connection = opened }
                }
                guard let connection else { continue }
                try await fetchOnce(due, throttled: throttled, over: connection)
            } catch {
                logger.warning("replica fetch failed; retrying", metadata: ["error": "\(error)"])
                await connection?.close()
                connection = nil
                try? await Task.sleep(for: .milliseconds(settings.backoffMs))
            }
        }
        await connection?.close()
        state.withLock { $0.connection = nil }
    }

    private func connect() async throws -> KafkaConnection {
        guard let broker = cache.broker(leaderId), let endpoint = broker.endpoint() else {
            throw BrokerError(.leaderNotAvailable, "leader \(leaderId) is not alive")
        }
        return try await KafkaConnection.connect(
            to: BrokerAddress(host: endpoint.host, port: endpoint.port), nodeId: leaderId,
            options: .init(clientId: "petrel-replica-\(localBrokerId)", requestTimeout: .seconds(30)), logger: logger)
    }

    /// One Fetch for every partition due, then each partition's answer applied.
    private func fetchOnce(
        _ due: [TopicPartition: Partition], throttled: Set<TopicPartition>, over connection: KafkaConnection
    ) async throws {
        let ordered = due.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
        var byTopic: [String: [FetchRequest.FetchPartition]] = [:]
        var sentEpochs: [TopicPartition: Int32] = [:]
        for (key, partition) in ordered {
            let epoch = partition.leaderEpoch
            sentEpochs[key] = epoch
            byTopic[key.topic, default: []].append(.init(
                partition: key.partition, currentLeaderEpoch: epoch, fetchOffset: partition.logEndOffset,
                lastFetchedEpoch: partition.log.latestEpoch ?? -1, logStartOffset: partition.logStartOffset,
                partitionMaxBytes: settings.maxBytes))
        }
        let request = FetchRequest(
            replicaId: localBrokerId, maxWaitMs: settings.maxWaitMs, minBytes: 1, maxBytes: settings.responseMaxBytes,
            isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
            topics: byTopic.keys.sorted().map { .init(topic: $0, partitions: byTopic[$0] ?? []) })
        // v12: topic names, replica id in the request, last fetched epochs and diverging epochs.
        let response = try await connection.send(request, version: 12, timeout: .milliseconds(Int64(settings.maxWaitMs) + 30_000))
        if response.errorCode != 0 {
            throw BrokerError(ErrorCode(response.errorCode), "fetch from leader \(leaderId) failed")
        }
        recordThrottled(response, throttled: throttled)
        for topic in response.responses {
            for data in topic.partitions {
                let key = TopicPartition(topic: topic.topic, partition: data.partitionIndex)
                guard let partition = due[key], state.withLock({ $0.partitions[key] === partition }) else { continue }
                apply(data, to: partition, sentEpoch: sentEpochs[key] ?? partition.leaderEpoch)
            }
        }
    }
}

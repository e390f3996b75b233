import KafkaProtocol
import NIOCore

/// Fetch (v4+): reads from the batch containing each fetch offset, up to the high watermark,
/// parks on max_wait_ms/min_bytes, and keeps KIP-227 incremental sessions.
struct FetchHandler: ApiHandler {
    typealias Request = FetchRequest
    let versions: ClosedRange<Int16> = 4...17
    let topics: TopicRegistry
    let sessions: FetchSessionCache
    let metrics: BrokerMetrics
    /// Where a follower's fetch sends the ISR expansion it earns.
    let cluster: BrokerCluster
    /// leader.replication.throttled.rate; nil: none.
    var leaderThrottle: ReplicationThrottle? = nil

    func handle(_ request: FetchRequest, context: RequestContext) -> HandlerResult<FetchResponse> {
        let version = context.apiVersion
        let usesIds = version >= 13
        let requested = request.topics.flatMap { topic in
            topic.partitions.map { p in
                FetchTarget(
                    topic: topic.topic, topicId: topic.topicId, partition: p.partition, fetchOffset: p.fetchOffset,
                    partitionMaxBytes: p.partitionMaxBytes, currentLeaderEpoch: p.currentLeaderEpoch,
                    lastFetchedEpoch: p.lastFetchedEpoch)
            }
        }
        let forgotten = request.forgottenTopicsData.flatMap { topic in
            topic.partitions.map { FetchPartitionKey(topic: topic.topic, topicId: topic.topicId, partition: $0) }
        }
        let sessionContext: FetchSessionCache.Context =
            version >= 7
            ? sessions.context(sessionId: request.sessionId, epoch: request.sessionEpoch, targets: requested, forgotten: forgotten)
            : .full(targets: requested, sessionId: 0)

        let targets: [FetchTarget]
        let sessionId: Int32
        let incremental: Bool
        switch sessionContext {
        case .error(let code):
            return .respond(FetchResponse(errorCode: code.rawValue, sessionId: 0))
        case .full(let t, let id):
            (targets, sessionId, incremental) = (t, id, false)
        case .incremental(let t, let id):
            (targets, sessionId, incremental) = (t, id, true)
        }

        let replicaId = version >= 15 ? request.replicaState.replicaId : request.replicaId
        let isolation: FetchIsolation =
            replicaId >= 0 ? .logEnd : (request.isolationLevel == 1 ? .committed : .highWatermark)
        var fetcher = PartitionFetcher(topics: topics, isolation: isolation, zeroCopy: context.zeroCopy, usesTopicIds: usesIds)
        if replicaId >= 0 {
            let cache = topics.cache
            fetcher.follower = .init(
                replicaId: replicaId, nowMs: WallClock.nowMs, isEligible: { cache.broker($0) != nil },
                submitIsrChange: { [cluster] in cluster.submitIsrChange($0, $1) }, throttle: leaderThrottle)
        }
        let metrics = self.metrics
        let attempt: () -> DelayedFetch.FetchAttempt = {
            let outcomes = fetcher.read(targets, maxBytes: request.maxBytes)
            return DelayedFetch.FetchAttempt(
                outcomes: Array(zip(targets, outcomes)),
                bytes: outcomes.reduce(0) { $0 + $1.bytes },
                mustRespond: outcomes.contains { $0.failed })
        }
        // Only the attempt that is sent updates the session and opens files.
        let finish: (DelayedFetch.FetchAttempt) -> FetchResponse = { [sessions, leaderThrottle] attempt in
            if let leaderThrottle, replicaId >= 0 {
                leaderThrottle.record(bytes: attempt.outcomes.reduce(0) { $0 + ($1.1.throttled ? $1.1.bytes : 0) })
            }
            let kept = sessions.filter(sessionId: sessionId, incremental: incremental, outcomes: attempt.outcomes)
            metrics.bytesOut.increment(by: Int64(attempt.bytes))
            return Self.response(kept, sessionId: sessionId, zeroCopy: context.zeroCopy)
        }

        let first = attempt()
        let minBytes = Int(max(request.minBytes, 1))
        if request.maxWaitMs <= 0 || targets.isEmpty || first.mustRespond || first.bytes >= minBytes {
            return .respond(finish(first))
        }
        let partitions = targets.compactMap { fetcher.partition(for: $0) }
        let parked = DelayedFetch(
            eventLoop: context.eventLoop, partitions: partitions, minBytes: minBytes, attempt: attempt, finish: finish)
        return .later(parked.park(maxWaitMs: Int64(request.maxWaitMs)))
    }

    /// Groups partition results by topic, keeping request order.
    static func response(_ results: [(FetchTarget, PartitionFetcher.Outcome)], sessionId: Int32, zeroCopy: Bool) -> FetchResponse {
        var response = FetchResponse(errorCode: 0, sessionId: sessionId)
        for (target, outcome) in results {
            let data = outcome.materialized(zeroCopy: zeroCopy)
            if let last = response.responses.last, last.topic == target.topic, last.topicId == target.topicId {
                response.responses[response.responses.count - 1].partitions.append(data)
            } else {
                response.responses.append(
                    .init(topic: target.topic, topicId: target.topicId, partitions: [data]))
            }
        }
        return response
    }
}

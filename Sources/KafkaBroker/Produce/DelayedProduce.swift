import KafkaProtocol
import NIOCore

/// An acks=-1 produce parked until every in-sync replica has its records (the high watermark
/// passes them), the leader moves, or the request's timeout passes (Kafka's DelayedProduce).
/// Lives on one event loop; high watermark moves wake it through one-shot partition watchers.
final class DelayedProduce: @unchecked Sendable {
    /// One partition's append, waiting for replication.
    struct Wait {
        var topicIndex: Int
        var partitionIndex: Int
        var partition: Partition
        /// The offset after the appended records: the high watermark must reach it.
        var requiredOffset: Int64
        var minInSyncReplicas: Int
    }

    private let eventLoop: any EventLoop
    private var response: ProduceResponse
    private var waits: [Wait]
    private let promise: EventLoopPromise<ProduceResponse>
    private var tokens: [(Partition, Int)] = []
    private var timeout: Scheduled<Void>?
    private var done = false

    init(eventLoop: any EventLoop, response: ProduceResponse, waits: [Wait]) {
        self.eventLoop = eventLoop
        self.response = response
        self.waits = waits
        self.promise = eventLoop.makePromise(of: ProduceResponse.self)
    }

    /// Parks for at most `timeoutMs`; the future completes with the response to send.
    func park(timeoutMs: Int64) -> EventLoopFuture<ProduceResponse> {
        eventLoop.assertInEventLoop()
        check()
        if !done {
            timeout = eventLoop.scheduleTask(in: .milliseconds(max(timeoutMs, 0))) { [self] in expire() }
        }
        return promise.futureResult
    }

    /// Settles every partition whose replicas caught up (or whose leadership moved).
    private func check() {
        guard !done else { return }
        unwatch()
        Self.settle(&waits, in: &response)
        if waits.isEmpty {
            complete()
            return
        }
        var watched = Set<ObjectIdentifier>()
        for wait in waits where watched.insert(ObjectIdentifier(wait.partition)).inserted {
            let token = wait.partition.watchForData { [self] in eventLoop.execute { self.check() } }
            tokens.append((wait.partition, token))
        }
    }

    /// Answers, and removes, the waits that are settled: NONE, NOT_ENOUGH_REPLICAS_AFTER_APPEND,
    /// or NOT_LEADER_OR_FOLLOWER.
    static func settle(_ waits: inout [Wait], in response: inout ProduceResponse) {
        waits.removeAll { wait in
            guard let outcome = wait.partition.replicationOutcome(requiredOffset: wait.requiredOffset, minInSyncReplicas: wait.minInSyncReplicas)
            else { return false }
            response.responses[wait.topicIndex].partitionResponses[wait.partitionIndex].errorCode = outcome.rawValue
            return true
        }
    }

    private func expire() {
        guard !done else { return }
        for wait in waits {
            response.responses[wait.topicIndex].partitionResponses[wait.partitionIndex].errorCode = ErrorCode.requestTimedOut.rawValue
        }
        waits = []
        complete()
    }

    private func unwatch() {
        for (partition, token) in tokens { partition.cancelWatch(token) }
        tokens.removeAll()
    }

    private func complete() {
        guard !done else { return }
        done = true
        unwatch()
        timeout?.cancel()
        promise.succeed(response)
    }
}

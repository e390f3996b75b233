import KafkaProtocol
import NIOCore

/// A fetch parked until enough bytes arrive (min_bytes) or max_wait_ms passes.
///
/// Lives on one event loop. Appends anywhere wake it through one-shot partition watchers; it
/// then reads again and either answers or parks once more.
final class DelayedFetch: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private let partitions: [Partition]
    private let minBytes: Int
    private let attempt: () -> FetchAttempt
    private let finish: (FetchAttempt) -> FetchResponse
    private let promise: EventLoopPromise<FetchResponse>
    private var tokens: [(Partition, Int)] = []
    private var timeout: Scheduled<Void>?
    private var done = false

    /// One read of every partition: what was found, its byte count, and whether it must be
    /// sent now (errors).
    struct FetchAttempt {
        var outcomes: [(FetchTarget, PartitionFetcher.Outcome)]
        var bytes: Int
        var mustRespond: Bool
    }

    init(
        eventLoop: any EventLoop, partitions: [Partition], minBytes: Int,
        attempt: @escaping () -> FetchAttempt, finish: @escaping (FetchAttempt) -> FetchResponse
    ) {
        self.eventLoop = eventLoop
        self.partitions = partitions
        self.minBytes = minBytes
        self.attempt = attempt
        self.finish = finish
        self.promise = eventLoop.makePromise(of: FetchResponse.self)
    }

    /// Parks for at most `maxWaitMs`; the future completes with the response to send.
    func park(maxWaitMs: Int64) -> EventLoopFuture<FetchResponse> {
        eventLoop.assertInEventLoop()
        watch()
        timeout = eventLoop.scheduleTask(in: .milliseconds(maxWaitMs)) { [self] in
            complete(with: attempt())
        }
        return promise.futureResult
    }

    private func watch() {
        for partition in partitions {
            let token = partition.watchForData { [self] in
                eventLoop.execute { self.wake() }
            }
            tokens.append((partition, token))
        }
    }

    private func unwatch() {
        for (partition, token) in tokens { partition.cancelWatch(token) }
        tokens.removeAll()
    }

    private func wake() {
        guard !done else { return }
        unwatch()
        let result = attempt()
        if result.mustRespond || result.bytes >= minBytes {
            complete(with: result)
        } else {
            watch()
        }
    }

    private func complete(with result: FetchAttempt) {
        guard !done else { return }
        done = true
        unwatch()
        timeout?.cancel()
        promise.succeed(finish(result))
    }
}

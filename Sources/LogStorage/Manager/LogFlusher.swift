import Dispatch
import Synchronization

/// One serial background queue for the work that must stay off the request path: fsyncs
/// (flush.messages / flush.ms, segment rolls) and checkpoint writes. Requests for the same key
/// coalesce while queued, so a burst of appends that each ask for a flush costs one fsync, and
/// appends that arrive during an fsync are covered by the next one.
public final class LogFlusher: Sendable {
    private let queue: DispatchQueue
    private let pending = Mutex<Set<ObjectIdentifier>>([])
    private let timer = Mutex<TimerBox?>(nil)

    /// Dispatch sources are thread-safe but not annotated Sendable.
    private final class TimerBox: @unchecked Sendable {
        let source: any DispatchSourceTimer
        init(_ source: any DispatchSourceTimer) { self.source = source }
    }

    public init(label: String = "petrel.log-flusher") {
        queue = DispatchQueue(label: label)
    }

    /// Runs `job` on the background queue unless a job for `key` is already waiting there.
    func schedule(key: ObjectIdentifier, _ job: @escaping @Sendable () -> Void) {
        let inserted = pending.withLock { $0.insert(key).inserted }
        guard inserted else { return }
        queue.async { [self] in
            // Leave the set first: a request made while the job runs queues the next round.
            _ = pending.withLock { $0.remove(key) }
            job()
        }
    }

    /// Runs `job` on the background queue (no coalescing).
    func run(_ job: @escaping @Sendable () -> Void) {
        queue.async(execute: job)
    }

    /// Calls `tick` every `intervalMs` on the background queue (the time-based flush check).
    public func startTicking(every intervalMs: Int, _ tick: @escaping @Sendable () -> Void) {
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(deadline: .now() + .milliseconds(intervalMs), repeating: .milliseconds(intervalMs))
        source.setEventHandler(handler: tick)
        source.resume()
        let box = TimerBox(source)
        let previous = timer.withLock { current -> TimerBox? in
            defer { current = box }
            return current
        }
        previous?.source.cancel()
    }

    /// Stops the periodic tick (queued jobs still run).
    public func stopTicking() {
        let box = timer.withLock { current -> TimerBox? in
            defer { current = nil }
            return current
        }
        box?.source.cancel()
    }

    /// Waits until every job queued so far has run.
    public func drain() {
        queue.sync {}
    }

    /// Stops the tick and waits for queued jobs.
    public func shutdown() {
        stopTicking()
        drain()
    }
}

import Foundation
import NIOConcurrencyHelpers

/// The end of a metadata session, awaited by any number of tasks.
final class SessionEndSignal: Sendable {
    private let state = NIOLockedValueBox<(end: SessionEnd?, waiters: [CheckedContinuation<SessionEnd, Never>])>((nil, []))

    var end: SessionEnd? { state.withLockedValue { $0.end } }

    /// Records the end (the first one counts) and wakes every waiter.
    func finish(_ end: SessionEnd) {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<SessionEnd, Never>] in
            guard state.end == nil else { return [] }
            state.end = end
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: end) }
    }

    func wait() async -> SessionEnd {
        await withCheckedContinuation { continuation in
            let ended = state.withLockedValue { state -> SessionEnd? in
                if let end = state.end { return end }
                state.waiters.append(continuation)
                return nil
            }
            if let ended { continuation.resume(returning: ended) }
        }
    }
}

/// Milliseconds since the Unix epoch, for registration and election timestamps.
func currentTimeMillis() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
}

/// The watches a session made, held weakly, so all of them end with the session (also those with
/// no registration pending at that moment).
final class SessionWatches: Sendable {
    private final class Weak: @unchecked Sendable {
        weak var watch: MetadataWatch?
        init(_ watch: MetadataWatch) { self.watch = watch }
    }

    private let state = NIOLockedValueBox<(watches: [Weak], ended: Bool)>(([], false))

    func add(_ watch: MetadataWatch) {
        let ended = state.withLockedValue { state -> Bool in
            if !state.ended {
                state.watches.removeAll { $0.watch == nil }
                state.watches.append(Weak(watch))
            }
            return state.ended
        }
        if ended { watch.finish() }
    }

    func finishAll() {
        let watches = state.withLockedValue { state -> [Weak] in
            state.ended = true
            defer { state.watches = [] }
            return state.watches
        }
        for entry in watches { entry.watch?.finish() }
    }
}

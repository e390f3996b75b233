import Foundation
import NIOConcurrencyHelpers
import ZooKeeperClient

/// Collects events (from a watcher callback or an AsyncStream) so a test can wait, with a bound,
/// for the ones it expects and then look at everything that arrived.
final class EventRecorder<Event: Sendable>: Sendable {
    private let box = NIOLockedValueBox<(events: [Event], finished: Bool)>(([], false))

    init() {}

    func append(_ event: Event) { box.withLockedValue { $0.events.append(event) } }
    func finish() { box.withLockedValue { $0.finished = true } }

    var events: [Event] { box.withLockedValue { $0.events } }
    var isFinished: Bool { box.withLockedValue { $0.finished } }

    /// Records every element of `stream` until it finishes.
    func record(_ stream: AsyncStream<Event>) {
        Task {
            for await event in stream { self.append(event) }
            self.finish()
        }
    }

    /// Waits until `condition` holds for the recorded events, for at most `seconds`.
    @discardableResult
    func wait(upTo seconds: Double = 15, until condition: @Sendable ([Event]) -> Bool) async -> Bool {
        await poll(upTo: seconds) { condition(self.events) }
    }

    /// Waits until the recording finished (the stream ended, or the watcher's session ended).
    @discardableResult
    func waitFinished(upTo seconds: Double = 15) async -> Bool {
        await poll(upTo: seconds) { self.isFinished }
    }
}

extension EventRecorder where Event == WatchEvent {
    /// A watcher that records its events here and marks the end of its session.
    func watcher() -> ZooKeeperWatcher {
        ZooKeeperWatcher(onSessionEnd: { self.finish() }, onEvent: { self.append($0) })
    }
}

/// Polls `condition` every 20 ms for at most `seconds`; true as soon as it holds.
func poll(upTo seconds: Double, _ condition: @Sendable () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}

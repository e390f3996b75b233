import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The accounting of log.cleaner.io.max.bytes.per.second, without the clock or the sleep (a
/// state machine: each event returns how long to pause). Bytes are counted from the start of a
/// window; when they are ahead of what the rate allows for the time elapsed by more than
/// `slackNs`, the caller pauses for the difference. A window restarts every `windowNs`, so an
/// idle spell earns no burst.
struct IORateWindow {
    let bytesPerSecond: Double
    var slackNs: UInt64 = 10_000_000
    var windowNs: UInt64 = 1_000_000_000
    private(set) var startNs: UInt64
    private(set) var observed: Double = 0

    init(bytesPerSecond: Double, nowNs: UInt64) {
        self.bytesPerSecond = bytesPerSecond
        startNs = nowNs
    }

    /// Counts `bytes` at `nowNs`; returns the nanoseconds to pause (0: none).
    mutating func record(_ bytes: Int, nowNs: UInt64) -> UInt64 {
        if nowNs &- startNs > windowNs {
            startNs = nowNs
            observed = 0
        }
        observed += Double(bytes)
        let elapsed = Double(nowNs &- startNs)
        let allowed = observed / bytesPerSecond * 1e9
        guard allowed > elapsed + Double(slackNs) else { return 0 }
        return UInt64(min(allowed - elapsed, 10e9))
    }
}

/// Keeps the cleaner's reads plus writes under log.cleaner.io.max.bytes.per.second, shared by
/// all cleaner threads (Kafka's Throttler). The pause is taken in short slices so shutdown and
/// aborts are not held up.
final class IORateLimiter: Sendable {
    let bytesPerSecond: Double
    private let window: Mutex<IORateWindow>

    init(bytesPerSecond: Double) {
        self.bytesPerSecond = bytesPerSecond
        window = Mutex(IORateWindow(bytesPerSecond: max(bytesPerSecond, 1), nowNs: Self.nowNs()))
    }

    var isUnlimited: Bool { !(bytesPerSecond < Double.greatestFiniteMagnitude) || bytesPerSecond <= 0 }

    /// Counts `bytes` of I/O and pauses while the rate is above the limit. `cancelled` is polled
    /// between pause slices; the pause ends early once it says true.
    func throttle(_ bytes: Int, cancelled: () -> Bool) {
        guard !isUnlimited, bytes > 0 else { return }
        var left = window.withLock { $0.record(bytes, nowNs: Self.nowNs()) }
        while left > 0, !cancelled() {
            let slice = min(left, 50_000_000)
            var spec = timespec(tv_sec: 0, tv_nsec: Int(slice))
            nanosleep(&spec, nil)
            left -= slice
        }
    }

    static func nowNs() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

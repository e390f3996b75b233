import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps the cleaner's reads plus writes under log.cleaner.io.max.bytes.per.second, shared by
/// all cleaner threads (Kafka's Throttler): bytes are counted over a check period of 300 ms and
/// a thread that went over the rate sleeps until the average is back at it. The sleep is taken
/// in short slices so shutdown and aborts are not held up.
final class IORateLimiter: Sendable {
    private struct Period {
        var startNs: UInt64
        var observed: Double = 0
    }

    let bytesPerSecond: Double
    private let checkIntervalNs: UInt64 = 300_000_000
    private let period: Mutex<Period>

    init(bytesPerSecond: Double) {
        self.bytesPerSecond = bytesPerSecond
        period = Mutex(Period(startNs: Self.nowNs()))
    }

    var isUnlimited: Bool { !(bytesPerSecond < Double.greatestFiniteMagnitude) || bytesPerSecond <= 0 }

    /// Counts `bytes` of I/O and sleeps if the rate is above the limit. `cancelled` is polled
    /// between sleep slices; it returns early once it says true.
    func throttle(_ bytes: Int, cancelled: () -> Bool) {
        guard !isUnlimited, bytes > 0 else { return }
        let sleepNs: UInt64 = period.withLock { period in
            period.observed += Double(bytes)
            let now = Self.nowNs()
            let elapsed = now &- period.startNs
            guard elapsed > checkIntervalNs else { return 0 }
            // How long these bytes should have taken at the limit, minus the time they did take.
            let wanted = period.observed / bytesPerSecond * 1e9
            let sleep = wanted > Double(elapsed) ? UInt64(wanted - Double(elapsed)) : 0
            // The next period starts when this sleep ends.
            period.startNs = now &+ sleep
            period.observed = 0
            return sleep
        }
        var left = sleepNs
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

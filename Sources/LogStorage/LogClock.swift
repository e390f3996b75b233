#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock milliseconds, injected so tests drive segment.ms and flush.ms.
public protocol LogClock: Sendable {
    var nowMs: Int64 { get }
}

/// The real clock (CLOCK_REALTIME, like Kafka's `Time.milliseconds`).
public struct SystemLogClock: LogClock {
    public init() {}

    public var nowMs: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}

import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@testable import LogStorage

/// A clock the test moves by hand.
final class ManualClock: LogClock {
    private let now: Mutex<Int64>

    init(_ start: Int64 = 1_700_000_000_000) {
        now = Mutex(start)
    }

    var nowMs: Int64 { now.withLock { $0 } }

    func advance(by ms: Int64) {
        now.withLock { $0 += ms }
    }
}

/// The real system calls, counted, with faults the test can arm: a short write followed by
/// ENOSPC (as a filling disk gives), short writes that succeed (the kernel may stop early),
/// or failing fsyncs.
final class FaultyIO: LogFileIO {
    private struct State {
        var writes = 0
        var fsyncs = 0
        var failNextWriteAfter: Int?
        var maxBytesPerWrite: Int?
        var mostVectorsInOneWrite = 0
        var failFsync = false
    }

    private let state = Mutex(State())
    private let real = PosixFileIO()

    var writes: Int { state.withLock { $0.writes } }
    var fsyncs: Int { state.withLock { $0.fsyncs } }
    var mostVectorsInOneWrite: Int { state.withLock { $0.mostVectorsInOneWrite } }

    /// The next write stores only `bytes` bytes; the retry of the rest fails with ENOSPC.
    func failNextWrite(after bytes: Int) {
        state.withLock { $0.failNextWriteAfter = bytes }
    }

    /// Every write stores at most `bytes` bytes and reports success (nil: no limit).
    func limitWrites(to bytes: Int?) {
        state.withLock { $0.maxBytesPerWrite = bytes }
    }

    func failFsyncs(_ fail: Bool) {
        state.withLock { $0.failFsync = fail }
    }

    func pwritev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>, at offset: Int64) -> (count: Int, errno: Int32) {
        let (failAfter, cap) = state.withLock { state -> (Int?, Int?) in
            state.writes += 1
            state.mostVectorsInOneWrite = max(state.mostVectorsInOneWrite, vectors.count)
            let failAfter = state.failNextWriteAfter
            // Write part of it now, then make the retry fail.
            if failAfter != nil { state.failNextWriteAfter = failAfter == 0 ? nil : 0 }
            return (failAfter, state.maxBytesPerWrite)
        }
        if failAfter == 0 { return (-1, 28) }  // ENOSPC
        let allowed = min(failAfter ?? .max, cap ?? .max)
        // The vectors cut at `allowed` bytes.
        var cut: [iovec] = []
        var left = allowed
        for vector in vectors where left > 0 {
            cut.append(iovec(iov_base: vector.iov_base, iov_len: min(vector.iov_len, left)))
            left -= min(vector.iov_len, left)
        }
        return cut.withUnsafeBufferPointer { real.pwritev(fd, $0, at: offset) }
    }

    func fsync(_ fd: Int32) -> Int32 {
        let fail = state.withLock { state -> Bool in
            state.fsyncs += 1
            return state.failFsync
        }
        return fail ? 5 : real.fsync(fd)  // EIO
    }

    func ftruncate(_ fd: Int32, to length: Int64) -> Int32 {
        real.ftruncate(fd, to: length)
    }
}

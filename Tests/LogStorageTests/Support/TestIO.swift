import Synchronization
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
/// ENOSPC (as a filling disk gives), or failing fsyncs.
final class FaultyIO: LogFileIO {
    private struct State {
        var writes = 0
        var fsyncs = 0
        var failNextWriteAfter: Int?
        var failFsync = false
    }

    private let state = Mutex(State())
    private let real = PosixFileIO()

    var writes: Int { state.withLock { $0.writes } }
    var fsyncs: Int { state.withLock { $0.fsyncs } }

    /// The next write stores only `bytes` bytes; the retry of the rest fails with ENOSPC.
    func failNextWrite(after bytes: Int) {
        state.withLock { $0.failNextWriteAfter = bytes }
    }

    func failFsyncs(_ fail: Bool) {
        state.withLock { $0.failFsync = fail }
    }

    func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) -> (count: Int, errno: Int32) {
        let limit = state.withLock { state -> Int? in
            state.writes += 1
            return state.failNextWriteAfter
        }
        guard let limit else { return real.pwrite(fd, bytes, at: offset) }
        if limit == 0 {
            state.withLock { $0.failNextWriteAfter = nil }
            return (-1, 28)  // ENOSPC
        }
        // Write part of it, then make the retry fail.
        let part = UnsafeRawBufferPointer(rebasing: bytes[..<min(limit, bytes.count)])
        state.withLock { $0.failNextWriteAfter = 0 }
        return real.pwrite(fd, part, at: offset)
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

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system calls that change segment and index files, behind a seam so tests can inject
/// short writes, ENOSPC and failed fsyncs. `pwritev` returns the count written (-1 on failure)
/// with the errno; `fsync` and `ftruncate` return 0 or the errno. Every write goes through
/// `pwritev` (`pwrite` is one vector), so injected faults reach every file.
public protocol LogFileIO: Sendable {
    /// One positional vectored write of `vectors` in order; may write fewer bytes than asked.
    /// Callers pass at most IOV_MAX (1024) vectors.
    func pwritev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>, at offset: Int64) -> (count: Int, errno: Int32)
    func fsync(_ fd: Int32) -> Int32
    func ftruncate(_ fd: Int32, to length: Int64) -> Int32
}

extension LogFileIO {
    /// One positional write; may write fewer bytes than asked.
    public func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) -> (count: Int, errno: Int32) {
        var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: bytes.count)
        return withUnsafePointer(to: &vector) { pwritev(fd, UnsafeBufferPointer(start: $0, count: 1), at: offset) }
    }
}

/// The real system calls.
public struct PosixFileIO: LogFileIO {
    public init() {}

    public func pwritev(_ fd: Int32, _ vectors: UnsafeBufferPointer<iovec>, at offset: Int64) -> (count: Int, errno: Int32) {
        while true {
            #if canImport(Glibc)
            let written = Glibc.pwritev(fd, vectors.baseAddress, Int32(vectors.count), off_t(offset))
            #else
            let written = Darwin.pwritev(fd, vectors.baseAddress, Int32(vectors.count), off_t(offset))
            #endif
            if written >= 0 { return (written, 0) }
            let code = errno
            if code != EINTR { return (-1, code) }
        }
    }

    public func fsync(_ fd: Int32) -> Int32 {
        #if canImport(Glibc)
        // fdatasync is enough: sizes are metadata fdatasync still flushes when they change.
        return Glibc.fdatasync(fd) == 0 ? 0 : errno
        #else
        return Darwin.fsync(fd) == 0 ? 0 : errno
        #endif
    }

    public func ftruncate(_ fd: Int32, to length: Int64) -> Int32 {
        #if canImport(Glibc)
        return Glibc.ftruncate(fd, off_t(length)) == 0 ? 0 : errno
        #else
        return Darwin.ftruncate(fd, off_t(length)) == 0 ? 0 : errno
        #endif
    }
}

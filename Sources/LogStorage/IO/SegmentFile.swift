import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file of the log (a segment's `.log`), shared by reference: the descriptor closes when
/// the last holder lets go, so a read result still being sent keeps its segment's bytes readable
/// after the segment was deleted (the unlinked inode lives until the close).
///
/// Positional I/O only (pread/pwrite), so concurrent readers and the one writer never share a
/// file offset. Writes happen under the partition lock; reads need no lock.
public final class SegmentFile: Sendable {
    let fd: Int32
    let path: String
    let io: any LogFileIO

    private init(fd: Int32, path: String, io: any LogFileIO) {
        self.fd = fd
        self.path = path
        self.io = io
    }

    deinit {
        _ = close(fd)
    }

    /// Opens `path` read-write, creating it when `create` is set.
    static func open(_ path: String, create: Bool, io: any LogFileIO) throws(StorageError) -> SegmentFile {
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Posix.open(path, flags)
        guard fd >= 0 else { throw .io("open", path: path, errno: errno) }
        return SegmentFile(fd: fd, path: path, io: io)
    }

    /// The file's current length.
    func size() throws(StorageError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io("fstat", path: path, errno: errno) }
        return Int64(info.st_size)
    }

    /// IOV_MAX on Linux and macOS: the most vectors one pwritev takes.
    static let maxVectors = 1024

    /// Writes `vectors` back to back at `position` with pwritev (IOV_MAX at a time), resuming
    /// where the kernel stopped after a short write; `vectors` is advanced in place. On failure
    /// the file is cut back to `position`, so a torn batch never stays behind.
    func write(_ vectors: UnsafeMutableBufferPointer<iovec>, at position: Int64) throws(StorageError) {
        var first = 0
        var done: Int64 = 0
        var failure: Int32?
        while failure == nil {
            while first < vectors.count, vectors[first].iov_len == 0 { first += 1 }
            guard first < vectors.count else { break }
            let chunk = UnsafeBufferPointer(rebasing: vectors[first..<min(vectors.count, first + Self.maxVectors)])
            let (count, code) = io.pwritev(fd, chunk, at: position + done)
            if count < 0 { failure = code; break }
            if count == 0 { failure = ENOSPC; break }
            done += Int64(count)
            // Drop the vectors written in full and trim a partly written one.
            var left = count
            while left > 0, first < vectors.count {
                let length = vectors[first].iov_len
                if left < length {
                    vectors[first].iov_base = vectors[first].iov_base.map { $0 + left }
                    vectors[first].iov_len = length - left
                    left = 0
                } else {
                    left -= length
                    first += 1
                }
            }
        }
        guard let failure else { return }
        let cut = io.ftruncate(fd, to: position)
        var error = StorageError.io("write", path: path, errno: failure)
        if cut != 0 { error.message += "; truncating back to \(position) also failed: \(describeErrno(cut))" }
        throw error
    }

    /// Reads up to `length` bytes at `position`; fewer when the file ends first.
    func read(at position: Int64, length: Int) throws(StorageError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: length)
        try read(at: position, length: length, into: &buffer)
        return buffer
    }

    /// Appends up to `length` bytes read at `position` to `buffer`.
    func read(at position: Int64, length: Int, into buffer: inout ByteBuffer) throws(StorageError) {
        guard length > 0 else { return }
        let code: Int32 = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { out in
            var done = 0
            while done < length {
                let got = pread(fd, out.baseAddress.map { $0 + done }, length - done, off_t(position + Int64(done)))
                if got > 0 { done += got; continue }
                if got == 0 { break }
                if errno == EINTR { continue }
                return (done, errno)
            }
            return (done, 0)
        }
        if code != 0 { throw .io("read", path: path, errno: code) }
    }

    func sync() throws(StorageError) {
        let code = io.fsync(fd)
        if code != 0 { throw .io("fsync", path: path, errno: code) }
    }

    func truncate(to length: Int64) throws(StorageError) {
        let code = io.ftruncate(fd, to: length)
        if code != 0 { throw .io("truncate", path: path, errno: code) }
    }

    /// A new NIOFileHandle on a duplicate descriptor, for one FileRegion. NIO allows one user of
    /// a NIOFileHandle at a time, so concurrent sendfiles each need their own; the duplicate also
    /// keeps the inode alive on its own. The caller owns it and must close it after the write.
    func makeFileHandle() -> NIOFileHandle? {
        let copy = dup(fd)
        guard copy >= 0 else { return nil }
        _ = fcntl(copy, F_SETFD, FD_CLOEXEC)
        return NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: copy)
    }
}

extension ByteBuffer {
    /// Like `writeWithUnsafeMutableBytes`, for a body that reports (bytes written, errno).
    fileprivate mutating func writeWithUnsafeMutableBytes(
        minimumWritableBytes: Int, _ body: (UnsafeMutableRawBufferPointer) -> (Int, Int32)
    ) -> Int32 {
        var code: Int32 = 0
        writeWithUnsafeMutableBytes(minimumWritableBytes: minimumWritableBytes) { out in
            let (count, failure) = body(out)
            code = failure
            return count
        }
        return code
    }
}

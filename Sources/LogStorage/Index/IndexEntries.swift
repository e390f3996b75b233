#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed-size index entries kept as the file's big-endian bytes: in a growable buffer while the
/// segment is active (the file catches up at flush, roll and close, so an append never writes
/// the index), and memory-mapped read-only once the segment is sealed, so old segments cost no
/// heap. Not thread-safe: the partition lock guards it.
final class IndexEntries {
    let entrySize: Int
    let path: String
    private var bytes: [UInt8] = []
    private var mapping: UnsafeRawBufferPointer?
    private(set) var count = 0
    /// Entries already written to the file; the file may also be longer than memory after a
    /// truncation, which the next `persist` trims.
    private var persistedCount = 0
    private var fileNeedsTrim = false

    init(entrySize: Int, path: String) {
        self.entrySize = entrySize
        self.path = path
    }

    deinit { unmap() }

    /// Loads the file as written; nil when missing or not a whole number of entries.
    static func load(path: String, entrySize: Int, sealed: Bool) -> IndexEntries? {
        guard let length = Posix.fileSize(path), length % Int64(entrySize) == 0 else { return nil }
        let index = IndexEntries(entrySize: entrySize, path: path)
        index.count = Int(length) / entrySize
        index.persistedCount = index.count
        if sealed {
            guard index.map() else { return nil }
        } else {
            let fd = Posix.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { _ = close(fd) }
            index.bytes = [UInt8](repeating: 0, count: Int(length))
            let got = index.bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(length), 0) }
            guard got == Int(length) else { return nil }
        }
        return index
    }

    func withRaw<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        if let mapping { return body(mapping) }
        return bytes.withUnsafeBytes(body)
    }

    func uint32(_ entry: Int, at field: Int) -> UInt32 {
        withRaw { UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: entry * entrySize + field, as: UInt32.self)) }
    }

    func int64(_ entry: Int, at field: Int) -> Int64 {
        withRaw { Int64(bigEndian: $0.loadUnaligned(fromByteOffset: entry * entrySize + field, as: Int64.self)) }
    }

    /// The largest entry index whose key is <= the target (keys ascend), or nil if none.
    func lastIndex(where isAtOrBelow: (Int) -> Bool) -> Int? {
        var low = 0
        var high = count - 1
        var found: Int?
        while low <= high {
            let mid = (low + high) / 2
            if isAtOrBelow(mid) {
                found = mid
                low = mid + 1
            } else {
                high = mid - 1
            }
        }
        return found
    }

    func append(_ write: (inout [UInt8]) -> Void) {
        unseal()
        write(&bytes)
        count += 1
    }

    func truncate(toCount newCount: Int) {
        guard newCount < count else { return }
        unseal()
        bytes.removeLast((count - newCount) * entrySize)
        count = newCount
        if persistedCount > newCount {
            persistedCount = newCount
            fileNeedsTrim = true
        }
    }

    /// Brings the file up to memory: writes the new entries (and trims after a truncation).
    /// Returns whether the file changed.
    @discardableResult
    func persist(io: any LogFileIO) throws(StorageError) -> Bool {
        guard persistedCount < count || fileNeedsTrim || !Posix.fileExists(path) else { return false }
        let fd = Posix.open(path, O_WRONLY | O_CREAT | O_CLOEXEC)
        guard fd >= 0 else { throw .io("open", path: path, errno: errno) }
        defer { _ = close(fd) }
        if persistedCount < count {
            let start = persistedCount * entrySize
            let code: Int32 = withRaw { raw in
                var done = start
                while done < count * entrySize {
                    let chunk = UnsafeRawBufferPointer(rebasing: raw[done..<(count * entrySize)])
                    let (written, code) = io.pwrite(fd, chunk, at: Int64(done))
                    if written <= 0 { return written == 0 ? ENOSPC : code }
                    done += written
                }
                return 0
            }
            if code != 0 { throw .io("write", path: path, errno: code) }
        }
        let trim = io.ftruncate(fd, to: Int64(count * entrySize))
        if trim != 0 { throw .io("truncate", path: path, errno: trim) }
        persistedCount = count
        fileNeedsTrim = false
        return true
    }

    /// Persists, then serves lookups from a read-only mapping of the file and frees the buffer.
    @discardableResult
    func seal(io: any LogFileIO) throws(StorageError) -> Bool {
        let wrote = try persist(io: io)
        if mapping == nil, count > 0, map() { bytes = [] }
        return wrote
    }

    private func map() -> Bool {
        let length = count * entrySize
        guard length > 0 else { return true }
        let fd = Posix.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { _ = close(fd) }
        guard let address = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1) else { return false }
        mapping = UnsafeRawBufferPointer(start: address, count: length)
        return true
    }

    /// Back to an in-memory buffer (a truncation or append reached a sealed segment).
    private func unseal() {
        guard let mapping else { return }
        bytes = [UInt8](mapping)
        unmap()
    }

    private func unmap() {
        if let mapping, let base = mapping.baseAddress {
            _ = munmap(UnsafeMutableRawPointer(mutating: base), mapping.count)
        }
        mapping = nil
    }

    /// Removes the file (the segment is being deleted or the index rebuilt).
    func deleteFile() throws(StorageError) {
        unseal()
        persistedCount = 0
        fileNeedsTrim = false
        try Posix.remove(path)
    }
}

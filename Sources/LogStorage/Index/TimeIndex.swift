/// The time index of one segment (`.timeindex`): entries of (max timestamp so far: i64, relative
/// offset: u32), added with the offset index entries but only when the max timestamp grows, and
/// once more when the segment is sealed so the last entry always holds the segment's max.
/// The offset is the base offset of the batch that carried that timestamp.
final class TimeIndex {
    static let entrySize = 12
    let baseOffset: Int64
    let maxEntries: Int
    let entries: IndexEntries

    init(baseOffset: Int64, path: String, maxEntries: Int) {
        self.baseOffset = baseOffset
        self.maxEntries = maxEntries
        entries = IndexEntries(entrySize: Self.entrySize, path: path)
    }

    init(baseOffset: Int64, entries: IndexEntries, maxEntries: Int) {
        self.baseOffset = baseOffset
        self.maxEntries = maxEntries
        self.entries = entries
    }

    var count: Int { entries.count }
    var isFull: Bool { entries.count >= maxEntries }

    func timestamp(at entry: Int) -> Int64 { entries.int64(entry, at: 0) }
    func offset(at entry: Int) -> Int64 { baseOffset + Int64(entries.uint32(entry, at: 8)) }

    var last: (timestamp: Int64, offset: Int64)? {
        count == 0 ? nil : (timestamp(at: count - 1), offset(at: count - 1))
    }

    /// Adds an entry when `timestamp` is larger than the last one and `offset` does not go back.
    func maybeAppend(timestamp: Int64, offset: Int64) {
        if let last, timestamp <= last.timestamp || offset < last.offset { return }
        let relative = UInt32(truncatingIfNeeded: offset - baseOffset)
        entries.append { bytes in
            withUnsafeBytes(of: timestamp.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: relative.bigEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// The last entry with a timestamp strictly below `target`: every batch before its offset has
    /// a smaller max timestamp, so a search for the first batch reaching `target` starts there.
    func lastEntry(below target: Int64) -> (timestamp: Int64, offset: Int64)? {
        guard let entry = entries.lastIndex(where: { timestamp(at: $0) < target }) else { return nil }
        return (timestamp(at: entry), offset(at: entry))
    }

    /// Drops entries whose batch starts at or after `offset`.
    func truncate(toOffset cut: Int64) {
        let keep = entries.lastIndex(where: { offset(at: $0) < cut }).map { $0 + 1 } ?? 0
        entries.truncate(toCount: keep)
    }

    func isSane(nextOffset: Int64) -> Bool {
        guard let last else { return true }
        return last.offset >= baseOffset && last.offset < max(nextOffset, baseOffset + 1) && count <= maxEntries
            && (count < 2 || timestamp(at: count - 2) < last.timestamp)
    }
}

/// The sparse offset index of one segment (`.index`): entries of (offset relative to the segment
/// base: u32, file position: u32), one every `index.interval.bytes` of log. Each entry points at
/// the start of a batch and holds that batch's base offset, so a lookup gives a position from
/// which a forward scan reaches the batch containing any larger offset. Offsets and positions
/// both ascend, so lookups by either are binary searches.
final class OffsetIndex {
    static let entrySize = 8
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

    func offset(at entry: Int) -> Int64 { baseOffset + Int64(entries.uint32(entry, at: 0)) }
    func position(at entry: Int) -> Int64 { Int64(entries.uint32(entry, at: 4)) }

    var last: (offset: Int64, position: Int64)? {
        count == 0 ? nil : (offset(at: count - 1), position(at: count - 1))
    }

    /// Adds an entry; ignored unless it moves both offset and position forward.
    func append(offset: Int64, position: Int64) {
        if let last, offset <= last.offset || position <= last.position { return }
        let relative = UInt32(truncatingIfNeeded: offset - baseOffset)
        let pos = UInt32(truncatingIfNeeded: position)
        entries.append { bytes in
            withUnsafeBytes(of: relative.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: pos.bigEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// The position of the last indexed batch starting at or below `target`; 0 if none.
    func lookup(_ target: Int64) -> (offset: Int64, position: Int64) {
        guard let entry = entries.lastIndex(where: { offset(at: $0) <= target }) else { return (baseOffset, 0) }
        return (offset(at: entry), position(at: entry))
    }

    /// The last indexed batch that starts at or after `from`, at or below `maxPosition` and with
    /// a base offset below `offsetBound`: everything before it fits both limits, so a bounded
    /// read can skip straight there.
    func lastEntry(from: Int64, atOrBelow maxPosition: Int64, offsetBelow offsetBound: Int64) -> Int64? {
        guard let byPosition = entries.lastIndex(where: { position(at: $0) <= maxPosition }),
              let byOffset = entries.lastIndex(where: { offset(at: $0) < offsetBound }) else { return nil }
        let found = position(at: min(byPosition, byOffset))
        return found >= from ? found : nil
    }

    /// Drops entries for batches at or after `position` (the file is being cut there).
    func truncate(toPosition cut: Int64) {
        let keep = entries.lastIndex(where: { position(at: $0) < cut }).map { $0 + 1 } ?? 0
        entries.truncate(toCount: keep)
    }

    /// O(1) checks Kafka also makes on load: entries ascend past the base and stay in the file.
    func isSane(logSize: Int64) -> Bool {
        guard let last else { return true }
        return last.offset >= baseOffset && last.position < max(logSize, 1) && count <= maxEntries
            && (count < 2 || offset(at: count - 2) < last.offset)
    }
}

/// Leader epoch -> first offset written in that epoch, as Kafka's LeaderEpochFileCache, stored in
/// the partition's `leader-epoch-checkpoint` (version 0, count, `epoch startOffset` lines).
/// Entries ascend in both epoch and offset. Not thread-safe: the partition lock guards it.
struct LeaderEpochCache {
    struct Entry: Equatable, Sendable {
        var epoch: Int32
        var startOffset: Int64
    }

    /// Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET.
    static let undefinedEpoch: Int32 = -1
    static let undefinedOffset: Int64 = -1

    private(set) var entries: [Entry] = []
    let path: String

    init(path: String) {
        self.path = path
    }

    var latest: Entry? { entries.last }

    /// Records that `epoch` starts at `startOffset`. Entries that would break the ordering (an
    /// epoch not below it or an offset not below it) are dropped first. True when anything changed.
    @discardableResult
    mutating func assign(epoch: Int32, startOffset: Int64) -> Bool {
        guard epoch >= 0, startOffset >= 0 else { return false }
        if let latest, latest.epoch == epoch, latest.startOffset <= startOffset { return false }
        while let last = entries.last, last.epoch >= epoch || last.startOffset >= startOffset {
            entries.removeLast()
        }
        entries.append(Entry(epoch: epoch, startOffset: startOffset))
        return true
    }

    /// The epoch and end offset for OffsetForLeaderEpoch: the largest epoch <= the requested one
    /// and the start offset of the next epoch, or the log end offset for the latest epoch.
    func endOffset(for requested: Int32, logEndOffset: Int64) -> (epoch: Int32, offset: Int64) {
        if requested == Self.undefinedEpoch { return (Self.undefinedEpoch, Self.undefinedOffset) }
        if let latest, latest.epoch == requested { return (requested, logEndOffset) }
        guard let higher = entries.firstIndex(where: { $0.epoch > requested }) else {
            return (Self.undefinedEpoch, Self.undefinedOffset)
        }
        // Below every known epoch: those offsets are gone; answer with the first known start.
        if higher == 0 { return (requested, entries[0].startOffset) }
        return (entries[higher - 1].epoch, entries[higher].startOffset)
    }

    /// The epoch that wrote `offset`: the last entry starting at or before it.
    func epoch(containing offset: Int64) -> Int32? {
        entries.last(where: { $0.startOffset <= offset })?.epoch
    }

    /// Forgets epochs starting at or after `endOffset` (the log was truncated there).
    @discardableResult
    mutating func truncateFromEnd(_ endOffset: Int64) -> Bool {
        let before = entries.count
        entries.removeAll { $0.startOffset >= endOffset }
        return entries.count != before
    }

    /// The log now starts at `startOffset`: the epoch covering it starts there, older ones go.
    @discardableResult
    mutating func truncateFromStart(_ startOffset: Int64) -> Bool {
        guard let covering = entries.lastIndex(where: { $0.startOffset <= startOffset }) else { return false }
        let changed = covering > 0 || entries[covering].startOffset != startOffset
        entries.removeFirst(covering)
        entries[0].startOffset = startOffset
        return changed
    }

    mutating func clear() { entries.removeAll() }

    func write() throws(StorageError) {
        try CheckpointFile.write(entries.map { "\($0.epoch) \($0.startOffset)" }, to: path)
    }

    /// Reads the checkpoint; a missing or malformed file gives an empty cache (recovery refills
    /// it from the batches it scans).
    static func load(path: String) -> (cache: LeaderEpochCache, valid: Bool) {
        var cache = LeaderEpochCache(path: path)
        guard let lines = try? CheckpointFile.read(path) else { return (cache, false) }
        for fields in lines {
            guard fields.count == 2, let epoch = Int32(fields[0]), let offset = Int64(fields[1]) else {
                return (LeaderEpochCache(path: path), false)
            }
            cache.assign(epoch: epoch, startOffset: offset)
        }
        return (cache, true)
    }
}

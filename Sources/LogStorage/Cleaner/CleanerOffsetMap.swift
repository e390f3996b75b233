/// Key hash → latest offset for the dirty section of a log being cleaned (Kafka's
/// SkimpyOffsetMap): open addressing with linear probing over slots of three words
/// (hash high, hash low, offset + 1; 0 marks an empty slot), 24 bytes per key.
///
/// Memory is bounded by `maxBytes`: the table starts small and doubles as keys arrive, up to
/// that many bytes, so cleaning a small log never touches the whole budget. `isFull` tells the
/// cleaner to stop adding keys (the round then cleans only up to `latestOffset`). The table is
/// freed with the map, after each round. Used by one cleaner thread at a time.
final class CleanerOffsetMap {
    static let bytesPerEntry = 24
    static let initialSlots = 16_384

    /// Slots the byte budget allows.
    let maxSlots: Int
    /// Entries allowed before the map counts as full (Kafka: slots × load factor).
    let maxEntries: Int
    private(set) var slots: Int
    private(set) var count = 0
    /// The last offset the map covers: records above it were not looked at and must be kept.
    private(set) var latestOffset: Int64 = -1
    private var table: UnsafeMutablePointer<UInt64>

    init(maxBytes: Int, loadFactor: Double) {
        maxSlots = max(maxBytes / Self.bytesPerEntry, 2)
        maxEntries = max(Int(Double(maxSlots) * min(max(loadFactor, 0.1), 0.95)), 1)
        slots = min(Self.initialSlots, maxSlots)
        table = Self.allocate(slots)
    }

    deinit { table.deallocate() }

    var isFull: Bool { count >= maxEntries }
    /// Share of the maximum table in use (Kafka's buffer utilization).
    var utilization: Double { Double(count) / Double(maxSlots) }
    /// Bytes the table holds now.
    var allocatedBytes: Int { slots * Self.bytesPerEntry }

    /// Records `offset` as the latest for the key; callers check `isFull` first.
    func put(_ hash: KeyHash, offset: Int64) {
        if Double(count + 1) > Double(slots) * 0.9, slots < maxSlots { grow() }
        var slot = home(hash)
        while true {
            let base = slot * 3
            if table[base + 2] == 0 {
                table[base] = hash.high
                table[base + 1] = hash.low
                table[base + 2] = UInt64(bitPattern: offset + 1)
                count += 1
                return
            }
            if table[base] == hash.high && table[base + 1] == hash.low {
                table[base + 2] = UInt64(bitPattern: offset + 1)
                return
            }
            slot = slot + 1 == slots ? 0 : slot + 1
        }
    }

    /// The latest offset recorded for the key, or -1 when the key is not in the map.
    func get(_ hash: KeyHash) -> Int64 {
        var slot = home(hash)
        while true {
            let base = slot * 3
            let stored = table[base + 2]
            if stored == 0 { return -1 }
            if table[base] == hash.high && table[base + 1] == hash.low { return Int64(bitPattern: stored) - 1 }
            slot = slot + 1 == slots ? 0 : slot + 1
        }
    }

    func updateLatestOffset(_ offset: Int64) {
        if offset > latestOffset { latestOffset = offset }
    }

    /// Empties the map for the next round, keeping the table at its initial size.
    func clear() {
        count = 0
        latestOffset = -1
        if slots != min(Self.initialSlots, maxSlots) {
            table.deallocate()
            slots = min(Self.initialSlots, maxSlots)
            table = Self.allocate(slots)
        } else {
            table.update(repeating: 0, count: slots * 3)
        }
    }

    /// Maps a hash onto [0, slots) without a division (Lemire's multiply-shift).
    @inline(__always)
    private func home(_ hash: KeyHash) -> Int {
        Int(hash.low.multipliedFullWidth(by: UInt64(slots)).high)
    }

    /// Doubles the table (capped at `maxSlots`) and reinserts every entry.
    private func grow() {
        let oldTable = table
        let oldSlots = slots
        slots = min(slots * 2, maxSlots)
        table = Self.allocate(slots)
        count = 0
        for slot in 0..<oldSlots {
            let base = slot * 3
            let stored = oldTable[base + 2]
            guard stored != 0 else { continue }
            put(KeyHash(high: oldTable[base], low: oldTable[base + 1]), offset: Int64(bitPattern: stored) - 1)
        }
        oldTable.deallocate()
    }

    private static func allocate(_ slots: Int) -> UnsafeMutablePointer<UInt64> {
        let table = UnsafeMutablePointer<UInt64>.allocate(capacity: slots * 3)
        table.initialize(repeating: 0, count: slots * 3)
        return table
    }
}

import NIOCore
import Testing
@testable import LogStorage

@Suite struct CleanerOffsetMapTests {
    private func hash(_ key: String) -> KeyHash {
        ByteBuffer(string: key).withUnsafeReadableBytes(KeyHash.of)
    }

    @Test func theLatestOffsetWinsAndMissingKeysAreMinusOne() {
        let map = CleanerOffsetMap(maxBytes: 1 << 20, loadFactor: 0.9)
        map.put(hash("a"), offset: 1)
        map.put(hash("b"), offset: 2)
        map.put(hash("a"), offset: 3)
        #expect(map.get(hash("a")) == 3)
        #expect(map.get(hash("b")) == 2)
        #expect(map.get(hash("c")) == -1)
        #expect(map.count == 2)
        map.updateLatestOffset(7)
        map.updateLatestOffset(5)
        #expect(map.latestOffset == 7)
        map.clear()
        #expect(map.get(hash("a")) == -1 && map.count == 0 && map.latestOffset == -1)
    }

    @Test func keyHashesDifferForShortAndLongKeys() {
        var seen = Set<KeyHash>()
        for length in 0..<40 {
            for byte in 0..<20 {
                let key = String(repeating: Character(Unicode.Scalar(UInt8(65 + byte))), count: length)
                seen.insert(hash(key))
            }
        }
        #expect(seen.count == 1 + 39 * 20)
        for index in 0..<100_000 { seen.insert(hash("key-\(index)")) }
        #expect(seen.count == 1 + 39 * 20 + 100_000)
    }

    @Test func growsAsKeysArriveAndStopsAtItsByteBudget() {
        let budget = CleanerOffsetMap.bytesPerEntry * 100_000
        let map = CleanerOffsetMap(maxBytes: budget, loadFactor: 0.9)
        #expect(map.allocatedBytes < budget)
        var inserted = 0
        while !map.isFull {
            map.put(hash("key-\(inserted)"), offset: Int64(inserted))
            inserted += 1
        }
        #expect(inserted == 90_000)
        #expect(map.allocatedBytes <= budget)
        for index in stride(from: 0, to: inserted, by: 997) {
            #expect(map.get(hash("key-\(index)")) == Int64(index))
        }
        // A round's end frees the grown table.
        map.clear()
        #expect(map.allocatedBytes == CleanerOffsetMap.bytesPerEntry * CleanerOffsetMap.initialSlots)
    }
}

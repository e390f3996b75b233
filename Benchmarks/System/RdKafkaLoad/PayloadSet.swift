/// A fixed set of record values of one size, built once so producing never allocates. The
/// content is JSON-like event text with varying numbers and words, so compression (lz4)
/// behaves roughly as on application data rather than on zeros or random noise.
public final class PayloadSet {
    public let size: Int
    public let count: Int
    private let storage: UnsafeMutableRawBufferPointer

    /// The first 8 bytes of a stamped payload: the producer's monotonic send time in ns.
    public static let timestampBytes = 8

    public init(size: Int, count: Int = 64, seed: UInt64 = 0x5EED) {
        precondition(size > 0 && count > 0, "payload size and count must be positive")
        self.size = size
        self.count = count
        storage = .allocate(byteCount: size * count, alignment: 8)
        var rng = SplitMix(seed: seed)
        for i in 0..<count {
            let bytes = Self.eventText(minimumBytes: size, rng: &rng)
            let slot = UnsafeMutableRawBufferPointer(rebasing: storage[(i * size)..<((i + 1) * size)])
            bytes.withUnsafeBytes { slot.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<size])) }
        }
    }

    deinit { storage.deallocate() }

    @inline(__always)
    public func payload(_ index: Int) -> UnsafeRawBufferPointer {
        let start = (index % count) * size
        return UnsafeRawBufferPointer(rebasing: storage[start..<(start + size)])
    }

    /// Writes `timestamp` into the first bytes of payload `index` (when it is large enough).
    @inline(__always)
    public func stamp(_ index: Int, timestamp: UInt64) -> UnsafeRawBufferPointer {
        let bytes = payload(index)
        if size >= Self.timestampBytes, let base = bytes.baseAddress {
            UnsafeMutableRawPointer(mutating: base).storeBytes(of: timestamp.littleEndian, as: UInt64.self)
        }
        return bytes
    }

    /// The timestamp a stamped payload carries, or nil if it is too short.
    @inline(__always)
    public static func timestamp(of payload: UnsafeRawBufferPointer) -> UInt64? {
        guard payload.count >= timestampBytes else { return nil }
        return UInt64(littleEndian: payload.loadUnaligned(as: UInt64.self))
    }

    /// Concatenated payloads, for the raw TCP probe to move the same bytes.
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        var i = 0
        while offset < buffer.count {
            let piece = payload(i)
            let n = min(piece.count, buffer.count - offset)
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + n)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: piece[0..<n]))
            offset += n
            i += 1
        }
    }

    private static let words = ["click", "view", "purchase", "signup", "search", "logout", "share", "rate"]
    private static let pages = ["/home", "/cart", "/checkout", "/product", "/account", "/search", "/help"]

    private static func eventText(minimumBytes: Int, rng: inout SplitMix) -> [UInt8] {
        var text = "{\"events\":["
        while text.utf8.count < minimumBytes {
            let user = rng.next() % 100_000
            let event = words[Int(rng.next() % UInt64(words.count))]
            let page = pages[Int(rng.next() % UInt64(pages.count))]
            let amount = rng.next() % 100_000
            text += "{\"user\":\"u\(user)\",\"event\":\"\(event)\",\"page\":\"\(page)/\(rng.next() % 1000)\","
            text += "\"amount\":\(amount / 100).\(amount % 100),\"session\":\"\(String(rng.next(), radix: 36))\"},"
        }
        return Array(text.utf8)
    }
}

/// A small deterministic generator, so every run produces the same payloads.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

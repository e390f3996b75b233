import NIOCore

/// The bytes of a `records` field: either in memory (requests, copies) or a region of a
/// segment file that the plaintext listener sends with sendfile.
public enum RecordsPayload: Sendable, Equatable {
    case bytes(ByteBuffer)
    case file(FileRegion)

    public var byteCount: Int {
        switch self {
        case .bytes(let b): return b.readableBytes
        case .file(let r): return r.readableBytes
        }
    }

    public static let empty = RecordsPayload.bytes(ByteBuffer())
}

/// A tagged field the schema does not know, kept so it round-trips.
public struct RawTaggedField: Sendable, Equatable {
    public var tag: UInt32
    public var data: ByteBuffer

    public init(tag: UInt32, data: ByteBuffer) {
        self.tag = tag
        self.data = data
    }
}

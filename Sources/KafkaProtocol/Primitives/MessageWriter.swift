import NIOCore

/// Where messages are encoded: a byte buffer plus file regions spliced in at byte positions.
///
/// Only Fetch responses on a plaintext listener carry file regions; everything else is just
/// `buffer`. Keeping regions out of the buffer is what lets fetch use sendfile.
public struct MessageWriter: Sendable {
    public var buffer: ByteBuffer
    /// Each region goes right after `buffer`'s byte at writer index `at` (absolute index).
    public private(set) var fileRegions: [(at: Int, region: FileRegion)] = []

    public init(buffer: ByteBuffer) {
        self.buffer = buffer
    }

    public init(allocator: ByteBufferAllocator = ByteBufferAllocator(), capacity: Int = 256) {
        self.buffer = allocator.buffer(capacity: capacity)
    }

    /// Bytes written so far, file regions included.
    public var totalBytes: Int {
        buffer.readableBytes + fileRegions.reduce(0) { $0 + $1.region.readableBytes }
    }

    public mutating func writeRecords(_ records: RecordsPayload?, flexible: Bool) {
        switch records {
        case nil:
            buffer.writeKafkaBytes(nil, flexible: flexible)
        case .bytes(let b)?:
            buffer.writeKafkaBytes(b, flexible: flexible)
        case .file(let region)?:
            buffer.writeKafkaLength(region.readableBytes, flexible: flexible, short: false)
            fileRegions.append((buffer.writerIndex, region))
        }
    }

    /// The encoded message as a sequence of parts, in order.
    public func parts() -> [IOData] {
        if fileRegions.isEmpty { return [.byteBuffer(buffer)] }
        var out: [IOData] = []
        var start = buffer.readerIndex
        for (at, region) in fileRegions {
            if at > start, let slice = buffer.getSlice(at: start, length: at - start) {
                out.append(.byteBuffer(slice))
            }
            out.append(.fileRegion(region))
            start = at
        }
        if buffer.writerIndex > start, let slice = buffer.getSlice(at: start, length: buffer.writerIndex - start) {
            out.append(.byteBuffer(slice))
        }
        return out
    }

    /// Encodes a tagged field: tag, size, then the value written by `body` into a scratch buffer.
    public mutating func writeTaggedField(tag: UInt32, _ body: (inout MessageWriter) -> Void) {
        var scratch = MessageWriter(capacity: 16)
        body(&scratch)
        buffer.writeUnsignedVarint(tag)
        buffer.writeUnsignedVarint(UInt32(scratch.buffer.readableBytes))
        buffer.writeImmutableBuffer(scratch.buffer)
    }

    public mutating func writeRawTaggedField(_ field: RawTaggedField) {
        buffer.writeUnsignedVarint(field.tag)
        buffer.writeUnsignedVarint(UInt32(field.data.readableBytes))
        buffer.writeImmutableBuffer(field.data)
    }
}

/// Every generated message and struct conforms.
public protocol KafkaCodable: Sendable, Equatable {
    /// Every field at its schema default.
    init()
    init(from buffer: inout ByteBuffer, version: Int16) throws(KafkaProtocolError)
    func encode(to writer: inout MessageWriter, version: Int16)
}

/// A top-level request or response body.
public protocol KafkaMessage: KafkaCodable {
    static var apiKey: Int16 { get }
    static var validVersions: ClosedRange<Int16> { get }
    /// First flexible version, nil if none.
    static var firstFlexibleVersion: Int16? { get }
}

extension KafkaMessage {
    public static func isFlexible(_ version: Int16) -> Bool {
        guard let first = firstFlexibleVersion else { return false }
        return version >= first
    }
}

public protocol KafkaRequest: KafkaMessage {
    associatedtype Response: KafkaResponse
}

public protocol KafkaResponse: KafkaMessage {}

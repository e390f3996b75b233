import NIOCore

/// Splits a byte stream into Kafka frames: a big-endian int32 size, then that many bytes.
///
/// Frames above `maxFrameSize` (socket.request.max.bytes) or with a negative size are errors;
/// the channel that sent them is closed, other connections are unaffected.
public struct KafkaFrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer

    public let maxFrameSize: Int

    public init(maxFrameSize: Int) {
        self.maxFrameSize = maxFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let size = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        guard size >= 0 else { throw FrameError.negativeSize(Int(size)) }
        guard Int(size) <= maxFrameSize else { throw FrameError.tooLarge(size: Int(size), max: maxFrameSize) }
        guard buffer.readableBytes >= 4 + Int(size) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let frame = buffer.readSlice(length: Int(size)) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    case negativeSize(Int)
    case tooLarge(size: Int, max: Int)

    public var description: String {
        switch self {
        case .negativeSize(let s): return "frame size \(s) is negative"
        case .tooLarge(let s, let max): return "frame size \(s) exceeds socket.request.max.bytes \(max)"
        }
    }
}

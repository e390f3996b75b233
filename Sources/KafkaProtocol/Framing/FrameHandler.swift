import NIOCore

/// The channel handler around `KafkaFrameAssembler`: reads in, one `ByteBuffer` per frame out.
/// A framing error is passed on with `fireErrorCaught` (the next handler closes the
/// connection); nothing more is read from that channel, and other channels are unaffected.
public final class KafkaFrameHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer

    private var assembler: KafkaFrameAssembler
    /// Set after a framing error or once the channel is inactive: later bytes are dropped.
    private var stopped = false

    public init(maxFrameSize: Int) {
        self.assembler = KafkaFrameAssembler(maxFrameSize: maxFrameSize)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = unwrapInboundIn(data)
        do {
            // A frame handler further on may close the channel; `stopped` then ends the loop.
            while !stopped, let frame = try assembler.nextFrame(from: &input, allocator: context.channel.allocator) {
                context.fireChannelRead(wrapInboundOut(frame))
            }
        } catch {
            stopped = true
            context.fireErrorCaught(error)
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        stopped = true
        assembler = KafkaFrameAssembler(maxFrameSize: assembler.maxFrameSize)
        context.fireChannelInactive()
    }
}

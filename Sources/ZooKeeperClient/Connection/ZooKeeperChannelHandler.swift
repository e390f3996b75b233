import NIOCore

/// The end of one connection's pipeline: hands the connection's events to the session driver,
/// tagged with the attempt they belong to so that events of a replaced connection are ignored.
final class ZooKeeperChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let driver: SessionDriver
    private let attempt: UInt64

    init(driver: SessionDriver, attempt: UInt64) {
        self.driver = driver
        self.attempt = attempt
    }

    func channelActive(context: ChannelHandlerContext) {
        if !driver.connectionActive(context.channel, attempt: attempt) {
            context.close(promise: nil)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        driver.frameReceived(unwrapInboundIn(data), attempt: attempt)
    }

    func channelInactive(context: ChannelHandlerContext) {
        driver.connectionInactive(attempt: attempt)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        driver.connectionFailed(error, attempt: attempt)
        context.close(promise: nil)
    }
}

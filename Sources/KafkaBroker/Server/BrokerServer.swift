import KafkaProtocol
import Logging
import NIOCore
import NIOPosix

/// The listening socket and its channel pipelines. Owns no Kafka state.
public final class BrokerServer: Sendable {
    private let channel: any Channel
    public let localAddress: SocketAddress?

    private init(channel: any Channel) {
        self.channel = channel
        self.localAddress = channel.localAddress
    }

    /// Binds `host:port` and serves requests through `dispatcher`.
    static func start(
        host: String, port: Int, group: any EventLoopGroup, dispatcher: RequestDispatcher,
        maxFrameSize: Int, logger: Logger
    ) async throws -> BrokerServer {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // Each channel keeps its receive buffer for life, so idle connections cost `initial`
            // each; busy producers grow theirs within a few reads.
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 4096, maximum: 4 * 1024 * 1024))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        KafkaFrameHandler(maxFrameSize: maxFrameSize))
                    try channel.pipeline.syncOperations.addHandler(
                        KafkaConnectionHandler(dispatcher: dispatcher, logger: logger, zeroCopy: true))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        return BrokerServer(channel: channel)
    }

    public func close() async {
        try? await channel.close()
    }

    /// Completes when the listening socket closes.
    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }
}

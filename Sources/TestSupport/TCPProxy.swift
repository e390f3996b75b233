import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy on a free loopback port in front of one server, for network faults in tests:
/// `cut()` drops every proxied connection and refuses new ones (a partition between the client and
/// that server); `restore()` listens again on the same port.
public final class TCPProxy: Sendable {
    public let port: Int
    public let targetHost: String
    public let targetPort: Int
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox<(listener: (any Channel)?, connections: [ObjectIdentifier: any Channel])>((nil, [:]))

    /// `127.0.0.1:<port>`, for connect strings.
    public var address: String { "127.0.0.1:\(port)" }

    private init(port: Int, targetHost: String, targetPort: Int, group: any EventLoopGroup) {
        self.port = port
        self.targetHost = targetHost
        self.targetPort = targetPort
        self.group = group
    }

    public static func start(
        to targetHost: String = "127.0.0.1", port targetPort: Int,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> TCPProxy {
        let port = try FreePort.pick()
        let proxy = TCPProxy(port: port, targetHost: targetHost, targetPort: targetPort, group: group)
        try await proxy.restore()
        return proxy
    }

    /// Listens (again) on the proxy's port.
    public func restore() async throws {
        guard state.withLockedValue({ $0.listener }) == nil else { return }
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .connect(host: targetHost, port: targetPort)
                    .flatMapThrowing { outbound in
                        try inbound.pipeline.syncOperations.addHandler(Pipe(partner: outbound))
                        try outbound.pipeline.syncOperations.addHandler(Pipe(partner: inbound))
                        self.track(inbound)
                        self.track(outbound)
                    }
            }
            .bind(host: "127.0.0.1", port: port).get()
        state.withLockedValue { $0.listener = listener }
    }

    /// Stops listening and closes every proxied connection, both sides.
    public func cut() async {
        let (listener, connections) = state.withLockedValue { state in
            defer { state = (nil, [:]) }
            return (state.listener, Array(state.connections.values))
        }
        try? await listener?.close()
        for connection in connections { try? await connection.close() }
    }

    public func stop() async { await cut() }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLockedValue { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLockedValue { $0.connections.removeValue(forKey: id) }
        }
    }

    /// Copies what one side reads to the other; a close on either side closes both.
    private final class Pipe: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private let partner: any Channel

        init(partner: any Channel) { self.partner = partner }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

import Foundation
import KafkaProtocol
import NIOCore
import NIOPosix

/// What the fake broker does with one request.
enum FakeReply: Sendable {
    /// Encode `message` at the request's version (or `version`), header per the API.
    case message(any KafkaMessage, version: Int16? = nil)
    /// Send these bytes after the size field as the whole frame (header included).
    case rawFrame(ByteBuffer)
    /// Say nothing (acks=0, or to provoke a timeout).
    case silence
    /// Close the connection.
    case close
}

/// A scripted Kafka peer on 127.0.0.1 for connection-level tests: ApiVersions is answered
/// from our codecs' ranges unless the script says otherwise.
final class FakeBroker: @unchecked Sendable {
    typealias Script = @Sendable (RequestFrame) -> FakeReply?

    private let channel: any Channel
    private let log = RequestLog()
    var port: Int { channel.localAddress?.port ?? 0 }
    var bootstrap: String { "127.0.0.1:\(port)" }
    var received: [RequestHeader] { log.all }

    init(script: @escaping Script) async throws {
        let log = self.log
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(
                        KafkaFrameHandler(maxFrameSize: 1 << 24))
                    try child.pipeline.syncOperations.addHandler(FakeBrokerHandler(script: script, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async {
        try? await channel.close()
    }

    /// Every API at the full range of our generated codecs.
    static func allApiVersions() -> ApiVersionsResponse {
        ApiVersionsResponse(apiKeys: ApiKey.allCases.map {
            ApiVersionsResponse.ApiVersion(
                apiKey: $0.rawValue, minVersion: $0.requestType.validVersions.lowerBound,
                maxVersion: $0.requestType.validVersions.upperBound)
        })
    }
}

final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var headers: [RequestHeader] = []
    func append(_ h: RequestHeader) { lock.withLock { headers.append(h) } }
    var all: [RequestHeader] { lock.withLock { headers } }
}

private final class FakeBrokerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let script: FakeBroker.Script
    let log: RequestLog

    init(script: @escaping FakeBroker.Script, log: RequestLog) {
        self.script = script
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let frame = try? RequestFrame(frame: unwrapInboundIn(data)), let key = frame.apiKey else {
            context.close(promise: nil)
            return
        }
        log.append(frame.header)
        let reply = script(frame) ?? (key == .apiVersions ? .message(FakeBroker.allApiVersions()) : .close)
        let version = frame.header.requestApiVersion
        switch reply {
        case .message(let message, let override):
            let v = override ?? version
            var writer = MessageWriter(allocator: context.channel.allocator)
            let at = writer.beginResponseFrame(
                correlationId: frame.header.correlationId, headerVersion: key.responseHeaderVersion(v))
            message.encode(to: &writer, version: v)
            writer.finishFrame(sizeAt: at)
            context.writeAndFlush(wrapOutboundOut(writer.buffer), promise: nil)
        case .rawFrame(let body):
            var out = context.channel.allocator.buffer(capacity: body.readableBytes + 4)
            out.writeInteger(Int32(body.readableBytes))
            out.writeImmutableBuffer(body)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .silence:
            break
        case .close:
            context.close(promise: nil)
        }
    }
}

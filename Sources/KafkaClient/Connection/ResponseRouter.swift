import KafkaProtocol
import NIOCore

/// A request frame on its way out. The correlation id is stamped by `ResponseRouter` on the
/// event loop, so ids follow write order, which is the order Kafka answers in.
struct OutgoingRequest: Sendable {
    /// The whole frame: size, header (correlation id 0 for now), body.
    var frame: ByteBuffer
    /// nil for requests the broker never answers (Produce with acks=0).
    var response: EventLoopPromise<ByteBuffer>?
    var responseHeaderVersion: Int16
    var timeout: TimeAmount
}

/// Matches response frames to requests. Kafka answers on a connection in request order, so
/// the oldest pending request owns the next response; a different correlation id means the
/// stream is broken and the connection is closed.
final class ResponseRouter: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = OutgoingRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var correlationId: Int32
        var promise: EventLoopPromise<ByteBuffer>
        var headerVersion: Int16
        var timer: Scheduled<Void>?
    }

    /// Byte offset of the correlation id in a frame: size i32, api key i16, api version i16.
    static let correlationIdOffset = 8

    private var pending = CircularBuffer<Pending>()
    private var nextCorrelationId: Int32 = 1
    private var closedError: KafkaClientError?
    private let broker: String

    init(broker: String) {
        self.broker = broker
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var request = unwrapOutboundIn(data)
        if let closedError {
            request.response?.fail(closedError)
            promise?.fail(closedError)
            return
        }
        let id = nextCorrelationId
        nextCorrelationId = nextCorrelationId == Int32.max ? 1 : nextCorrelationId + 1
        request.frame.setInteger(id, at: request.frame.readerIndex + Self.correlationIdOffset)
        if let response = request.response {
            let timer = scheduleTimeout(context: context, correlationId: id, after: request.timeout)
            pending.append(Pending(
                correlationId: id, promise: response, headerVersion: request.responseHeaderVersion, timer: timer))
        }
        context.write(wrapOutboundOut(request.frame), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var frame = unwrapInboundIn(data)
        guard let id = frame.readInteger(as: Int32.self) else {
            return fail(context: context, KafkaClientError(.protocolViolation("response shorter than its header")))
        }
        guard let first = pending.first, first.correlationId == id else {
            let expected = pending.first.map { "\($0.correlationId)" } ?? "none"
            return fail(context: context, KafkaClientError(
                .protocolViolation("response correlation id \(id), expected \(expected)")))
        }
        pending.removeFirst()
        first.timer?.cancel()
        if first.headerVersion >= 1 {
            do {
                try frame.readKafkaTaggedFields { (_: UInt32, _: inout ByteBuffer) throws(KafkaProtocolError) in }
            } catch {
                first.promise.fail(KafkaClientError(.protocolViolation("response header: \(error)")))
                return
            }
        }
        first.promise.succeed(frame)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(KafkaClientError(.connectionClosed))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let clientError: KafkaClientError
        switch error {
        case let e as KafkaClientError: clientError = e
        case let e as FrameError: clientError = KafkaClientError(.protocolViolation(e.description))
        default: clientError = KafkaClientError(.connectionClosed, message: "\(error)")
        }
        fail(context: context, clientError)
    }

    private func fail(context: ChannelHandlerContext, _ error: KafkaClientError) {
        failAll(error)
        context.close(promise: nil)
    }

    private func failAll(_ error: KafkaClientError) {
        let error = error.with(broker: broker)
        if closedError == nil { closedError = error }
        while let p = pending.popFirst() {
            p.timer?.cancel()
            p.promise.fail(error)
        }
    }

    /// A request that outlives its timeout closes the connection, like Kafka's own clients:
    /// later responses on it can no longer be trusted to arrive.
    private func scheduleTimeout(context: ChannelHandlerContext, correlationId: Int32, after timeout: TimeAmount)
        -> Scheduled<Void>
    {
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        return loop.scheduleTask(in: timeout) {
            let (router, context) = bound.value
            guard router.pending.contains(where: { $0.correlationId == correlationId }) else { return }
            let ms = Int64(timeout.nanoseconds / 1_000_000)
            router.fail(context: context, KafkaClientError(.timeout(milliseconds: ms)))
        }
    }
}

import KafkaProtocol
import Logging
import NIOCore

/// Serves one client connection: frames in, responses out in request order.
///
/// Requests are dispatched as they arrive (so many can be in flight), but a response waits
/// until every earlier one has been written, as Kafka clients require.
final class KafkaConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = IOData

    private let dispatcher: RequestDispatcher
    private var logger: Logger
    private let zeroCopy: Bool
    private var info: ConnectionInfo?

    private var nextSequence = 0
    private var nextToWrite = 0
    /// Finished responses waiting for earlier ones; nil value = no response (acks=0).
    private var ready: [Int: EncodedResponse?] = [:]
    private var closing = false
    /// Inside a read burst, responses are flushed once at its end (channelReadComplete), so
    /// pipelined requests get their answers in one write instead of one syscall each.
    private var reading = false
    private var unflushed = false

    init(dispatcher: RequestDispatcher, logger: Logger, zeroCopy: Bool) {
        self.dispatcher = dispatcher
        self.logger = logger
        self.zeroCopy = zeroCopy
    }

    func channelActive(context: ChannelHandlerContext) {
        let remote = context.channel.remoteAddress.map { "\($0)" } ?? "unknown"
        logger[metadataKey: "client"] = "\(remote)"
        info = ConnectionInfo(remoteAddress: remote, allocator: context.channel.allocator, zeroCopy: zeroCopy)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing, let info else { return }
        reading = true
        let frame = unwrapInboundIn(data)
        let sequence = nextSequence
        nextSequence += 1
        switch dispatcher.dispatch(frame: frame, connection: info, eventLoop: context.eventLoop, logger: logger) {
        case .respond(let response):
            complete(sequence, response, context: context)
        case .noResponse:
            complete(sequence, nil, context: context)
        case .later(let future):
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            future.hop(to: context.eventLoop).whenComplete { result in
                let (handler, context) = loopBound.value
                switch result {
                case .success(let response):
                    handler.complete(sequence, response, context: context)
                case .failure(let error):
                    handler.close(context: context, reason: "request failed: \(error)")
                }
            }
        case .close(let reason):
            close(context: context, reason: reason)
        }
    }

    private func complete(_ sequence: Int, _ response: EncodedResponse?, context: ChannelHandlerContext) {
        guard !closing else {
            response?.releaseFileRegions()
            return
        }
        ready[sequence] = .some(response)
        var wrote = false
        while let next = ready.removeValue(forKey: nextToWrite) {
            nextToWrite += 1
            if let response = next {
                for part in response.parts() {
                    guard case .fileRegion(let region) = part else {
                        context.write(wrapOutboundOut(part), promise: nil)
                        continue
                    }
                    // Each region owns a duplicate descriptor; close it once sendfile is done.
                    let promise = context.eventLoop.makePromise(of: Void.self)
                    promise.futureResult.whenComplete { _ in try? region.fileHandle.close() }
                    context.write(wrapOutboundOut(part), promise: promise)
                }
                wrote = true
            }
        }
        guard wrote else { return }
        if reading {
            unflushed = true
        } else {
            context.flush()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    private func close(context: ChannelHandlerContext, reason: String) {
        guard !closing else { return }
        closing = true
        releasePending()
        logger.warning("closing connection", metadata: ["reason": "\(reason)"])
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        releasePending()
        context.fireChannelInactive()
    }

    private func releasePending() {
        for case let response?? in ready.values { response.releaseFileRegions() }
        ready.removeAll()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError {
            close(context: context, reason: "\(frameError)")
        } else {
            logger.debug("connection error", metadata: ["error": "\(error)"])
            closing = true
            releasePending()
            context.close(promise: nil)
        }
    }
}

extension MessageWriter {
    /// Closes the descriptors of a response's file regions when it will not be sent.
    func releaseFileRegions() {
        for (_, region) in fileRegions { try? region.fileHandle.close() }
    }
}

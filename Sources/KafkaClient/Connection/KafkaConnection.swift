import KafkaProtocol
import Logging
import NIOCore
import NIOPosix

/// One TCP connection to one broker. Many requests may be in flight; responses are matched
/// by correlation id in `ResponseRouter`. On connect it asks ApiVersions and afterwards sends
/// each API at `min(our max, broker max)`.
///
/// Sendable: everything mutable lives in the channel pipeline, on the channel's event loop.
public final class KafkaConnection: Sendable {
    public struct Options: Sendable {
        public var clientId: String
        public var connectTimeout: TimeAmount
        /// How long a request may wait for its response before the connection is closed.
        public var requestTimeout: TimeAmount
        /// Largest response frame accepted.
        public var maxResponseBytes: Int

        public init(
            clientId: String = "petrel", connectTimeout: TimeAmount = .seconds(10),
            requestTimeout: TimeAmount = .seconds(30), maxResponseBytes: Int = 256 * 1024 * 1024
        ) {
            self.clientId = clientId
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.maxResponseBytes = maxResponseBytes
        }
    }

    public let address: BrokerAddress
    /// The broker id, when the connection was made from metadata (nil for bootstrap ones).
    public let nodeId: Int32?
    public let versions: ApiVersionTable
    let channel: any Channel
    let options: Options
    let logger: Logger

    private init(
        address: BrokerAddress, nodeId: Int32?, versions: ApiVersionTable, channel: any Channel, options: Options,
        logger: Logger
    ) {
        self.address = address
        self.nodeId = nodeId
        self.versions = versions
        self.channel = channel
        self.options = options
        self.logger = logger
    }

    /// "host:port" plus the node id when known, for error messages.
    public var brokerLabel: String {
        nodeId.map { "\(address) (node \($0))" } ?? address.description
    }

    public var isActive: Bool { channel.isActive }

    /// Connects and negotiates API versions.
    public static func connect(
        to address: BrokerAddress, nodeId: Int32? = nil, options: Options = Options(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "petrel.kafka-client")
    ) async throws -> KafkaConnection {
        let label = nodeId.map { "\(address) (node \($0))" } ?? address.description
        let maxFrame = options.maxResponseBytes
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: eventLoopGroup)
                .connectTimeout(options.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            KafkaFrameHandler(maxFrameSize: maxFrame))
                        try channel.pipeline.syncOperations.addHandler(ResponseRouter(broker: label))
                    }
                }
                .connect(host: address.host, port: address.port).get()
        } catch {
            throw KafkaClientError(.connectionFailed(reason: ConnectFailure.reason(error)), broker: label)
        }
        var logger = logger
        logger[metadataKey: "broker"] = "\(label)"
        do {
            let versions = try await negotiateVersions(channel: channel, options: options, label: label)
            logger.debug("connected", metadata: ["apis": "\(versions.broker.count)"])
            return KafkaConnection(
                address: address, nodeId: nodeId, versions: versions, channel: channel, options: options,
                logger: logger)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Sends `request` at the negotiated version (or `version`) and decodes the response.
    /// Produce with acks=0 gets no response from Kafka; it returns `R.Response()` once written.
    public func send<R: KafkaRequest>(
        _ request: R, version: Int16? = nil, timeout: TimeAmount? = nil
    ) async throws -> R.Response {
        guard let key = ApiKey(rawValue: R.apiKey) else {
            throw KafkaClientError(.invalidArgument("unknown API key \(R.apiKey)"), broker: brokerLabel)
        }
        guard let chosen = version ?? versions.version(for: key) else {
            throw KafkaClientError(.unsupportedApi(key), api: key, broker: brokerLabel)
        }
        let expectsResponse = !((request as? ProduceRequest)?.acks == 0)
        do {
            var body = try await Self.exchange(
                channel: channel, request: request, key: key, version: chosen, clientId: options.clientId,
                expectsResponse: expectsResponse, timeout: timeout ?? options.requestTimeout)
            guard expectsResponse else { return R.Response() }
            do {
                return try R.Response(from: &body, version: chosen)
            } catch {
                throw KafkaClientError(.protocolViolation("\(key.name) v\(chosen) response: \(error)"))
            }
        } catch let error as KafkaClientError {
            throw error.with(api: key, broker: brokerLabel)
        } catch {
            throw KafkaClientError(.connectionClosed, api: key, broker: brokerLabel, message: "\(error)")
        }
    }

    public func close() async {
        try? await channel.close()
    }

    /// Writes one request frame and waits for the response body (after the header).
    static func exchange<R: KafkaRequest>(
        channel: any Channel, request: R, key: ApiKey, version: Int16, clientId: String, expectsResponse: Bool,
        timeout: TimeAmount
    ) async throws -> ByteBuffer {
        var writer = MessageWriter(allocator: channel.allocator, capacity: 256)
        let header = RequestHeader(
            requestApiKey: key.rawValue, requestApiVersion: version, correlationId: 0, clientId: clientId)
        let sizeAt = writer.beginRequestFrame(header, headerVersion: key.requestHeaderVersion(version))
        request.encode(to: &writer, version: version)
        writer.finishFrame(sizeAt: sizeAt)

        let promise = expectsResponse ? channel.eventLoop.makePromise(of: ByteBuffer.self) : nil
        let outgoing = OutgoingRequest(
            frame: writer.buffer, response: promise, responseHeaderVersion: key.responseHeaderVersion(version),
            timeout: timeout)
        do {
            try await channel.writeAndFlush(outgoing)
        } catch {
            // A closed channel may have dropped the write before our handler saw it.
            let failure = error as? KafkaClientError ?? KafkaClientError(.connectionClosed)
            promise?.fail(failure)
            throw failure
        }
        guard let promise else { return ByteBuffer() }
        return try await promise.futureResult.get()
    }
}

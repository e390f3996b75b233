import KafkaProtocol
import Logging
import NIOCore

/// Everything a handler knows about the request besides its body.
public struct RequestContext: Sendable {
    public var header: RequestHeader
    public var apiKey: ApiKey
    public var eventLoop: any EventLoop
    public var allocator: ByteBufferAllocator
    /// "host:port" of the client, for logs.
    public var clientAddress: String
    /// Plaintext connections may send log bytes straight from files (sendfile); TLS ones copy.
    public var zeroCopy: Bool
    public var logger: Logger

    public var apiVersion: Int16 { header.requestApiVersion }
    public var correlationId: Int32 { header.correlationId }
    public var clientId: String { header.clientId ?? "" }

    /// The response frame: size, response header, body.
    public func encode<R: KafkaResponse>(_ response: R) -> EncodedResponse {
        var writer = MessageWriter(buffer: allocator.buffer(capacity: 256))
        let sizeIndex = writer.beginResponseFrame(
            correlationId: correlationId, headerVersion: apiKey.responseHeaderVersion(apiVersion))
        response.encode(to: &writer, version: apiVersion)
        writer.finishFrame(sizeAt: sizeIndex)
        return writer
    }
}

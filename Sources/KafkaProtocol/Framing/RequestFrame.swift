import NIOCore

/// A request as it came off the wire: the decoded header and the body bytes, decoded later by
/// the handler that serves the API (so unknown APIs can still be answered by correlation id).
public struct RequestFrame: Sendable {
    public var header: RequestHeader
    public var apiKey: ApiKey?
    public var body: ByteBuffer

    /// Reads the header. The header's own version depends on the API and version, which come
    /// first in every header version.
    public init(frame: ByteBuffer) throws(KafkaProtocolError) {
        var buffer = frame
        guard let rawKey = buffer.getInteger(at: buffer.readerIndex, as: Int16.self),
            let version = buffer.getInteger(at: buffer.readerIndex + 2, as: Int16.self)
        else { throw .truncated("request header") }
        let key = ApiKey(rawValue: rawKey)
        let headerVersion = key?.requestHeaderVersion(version) ?? 1
        self.header = try RequestHeader(from: &buffer, version: headerVersion)
        self.apiKey = key
        self.body = buffer
    }

    public init(header: RequestHeader, body: ByteBuffer) {
        self.header = header
        self.apiKey = ApiKey(rawValue: header.requestApiKey)
        self.body = body
    }
}

extension MessageWriter {
    /// Starts a frame: reserves the int32 size, writes the response header. Finish with
    /// `finishFrame(sizeAt:)`.
    public mutating func beginResponseFrame(correlationId: Int32, headerVersion: Int16) -> Int {
        let sizeIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        ResponseHeader(correlationId: correlationId).encode(to: &self, version: headerVersion)
        return sizeIndex
    }

    public mutating func beginRequestFrame(_ header: RequestHeader, headerVersion: Int16) -> Int {
        let sizeIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        header.encode(to: &self, version: headerVersion)
        return sizeIndex
    }

    /// Writes the frame size (everything after the size field, file regions included).
    public mutating func finishFrame(sizeAt index: Int) {
        let size = totalBytes - (index - buffer.readerIndex) - 4
        buffer.setInteger(Int32(truncatingIfNeeded: size), at: index)
    }
}

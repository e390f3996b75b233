import Foundation
import KafkaProtocol
import NIOCore

/// A blocking TCP socket that speaks Kafka frames, for tests that need exact bytes on the wire
/// (malformed frames, pipelining) without a client library in between.
public final class RawKafkaSocket {
    private let fd: Int32
    private var nextCorrelationId: Int32 = 1

    public init(port: Int, timeoutMilliseconds: Int = 10_000) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket() failed") }
        var tv = timeval(tv_sec: timeoutMilliseconds / 1000, tv_usec: (timeoutMilliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard ok else {
            close(fd)
            throw TestSupportError("connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Sends raw bytes as they are (no framing added). Returns false if the peer closed.
    @discardableResult
    public func sendRaw(_ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return send(fd, base + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// The bytes of a whole request frame (size prefix included).
    public func frame<R: KafkaRequest>(_ request: R, version: Int16, correlationId: Int32? = nil, clientId: String = "raw-test") -> [UInt8] {
        let key = ApiKey(rawValue: R.apiKey) ?? .apiVersions
        let id = correlationId ?? nextCorrelationId
        nextCorrelationId += 1
        var writer = MessageWriter()
        let header = RequestHeader(requestApiKey: R.apiKey, requestApiVersion: version, correlationId: id, clientId: clientId)
        let sizeAt = writer.beginRequestFrame(header, headerVersion: key.requestHeaderVersion(version))
        request.encode(to: &writer, version: version)
        writer.finishFrame(sizeAt: sizeAt)
        return Array(writer.buffer.readableBytesView)
    }

    /// Reads one response frame (without its size prefix); nil if the peer closed or timed out.
    public func receiveFrame() -> ByteBuffer? {
        guard let sizeBytes = receiveExactly(4) else { return nil }
        let size = Int(UInt32(sizeBytes[0]) << 24 | UInt32(sizeBytes[1]) << 16 | UInt32(sizeBytes[2]) << 8 | UInt32(sizeBytes[3]))
        guard size < 200 * 1024 * 1024, let body = receiveExactly(size) else { return nil }
        return ByteBuffer(bytes: body)
    }

    /// Sends a request and decodes its response (header version from the API).
    public func roundTrip<R: KafkaRequest>(_ request: R, version: Int16) throws -> (correlationId: Int32, response: R.Response) {
        guard sendRaw(frame(request, version: version)) else { throw TestSupportError("send failed") }
        guard var body = receiveFrame() else { throw TestSupportError("no response") }
        let key = ApiKey(rawValue: R.apiKey) ?? .apiVersions
        let header = try ResponseHeader(from: &body, version: key.responseHeaderVersion(version))
        return (header.correlationId, try R.Response(from: &body, version: version))
    }

    /// True when the peer has closed the connection (reads EOF within the timeout).
    public func peerClosed() -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    private func receiveExactly(_ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return recv(fd, base + got, count - got, 0)
            }
            if n <= 0 { return nil }
            got += n
        }
        return out
    }
}

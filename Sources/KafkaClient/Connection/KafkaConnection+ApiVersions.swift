import KafkaProtocol
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension KafkaConnection {
    static let softwareName = "petrel-kafka-client"
    static let softwareVersion = "0.1.0"

    /// ApiVersions v3 first. A broker that does not know v3 answers UNSUPPORTED_VERSION in the
    /// v0 format (the response header is always v0), usually with its ranges. If that list is
    /// empty or does not parse (librdkafka's mock writes it in its own format), we ask again
    /// at v0, which every broker speaks.
    static func negotiateVersions(channel: any Channel, options: Options, label: String) async throws
        -> ApiVersionTable
    {
        let request = ApiVersionsRequest(clientSoftwareName: softwareName, clientSoftwareVersion: softwareVersion)
        var body = try await exchangeApiVersions(channel: channel, request: request, version: 3, options: options)
        let errorCode = body.getInteger(at: body.readerIndex, as: Int16.self)
        if errorCode == ErrorCode.unsupportedVersion.rawValue {
            if let v0 = try? ApiVersionsResponse(from: &body, version: 0), !v0.apiKeys.isEmpty {
                return ApiVersionTable(response: v0)
            }
            var retry = try await exchangeApiVersions(channel: channel, request: request, version: 0, options: options)
            return try table(from: decode(&retry, version: 0, label: label), label: label)
        }
        return try table(from: decode(&body, version: 3, label: label), label: label)
    }

    private static func exchangeApiVersions(
        channel: any Channel, request: ApiVersionsRequest, version: Int16, options: Options
    ) async throws -> ByteBuffer {
        try await exchange(
            channel: channel, request: request, key: .apiVersions, version: version, clientId: options.clientId,
            expectsResponse: true, timeout: options.requestTimeout)
    }

    private static func decode(_ body: inout ByteBuffer, version: Int16, label: String) throws -> ApiVersionsResponse {
        do {
            return try ApiVersionsResponse(from: &body, version: version)
        } catch {
            throw KafkaClientError(
                .protocolViolation("ApiVersions v\(version) response: \(error)"), api: .apiVersions, broker: label)
        }
    }

    private static func table(from response: ApiVersionsResponse, label: String) throws -> ApiVersionTable {
        if let error = KafkaClientError.check(response.errorCode, api: .apiVersions, broker: label) { throw error }
        return ApiVersionTable(response: response)
    }
}

/// Short reasons for connect failures ("connection refused"), not NIO's nested descriptions.
enum ConnectFailure {
    static func reason(_ error: any Error) -> String {
        switch error {
        case let e as NIOConnectionError:
            if e.dnsAError != nil || e.dnsAAAAError != nil, e.connectionErrors.isEmpty {
                return "cannot resolve host \(e.host)"
            }
            if let first = e.connectionErrors.first { return reason(first.error) }
            return "no address for host \(e.host)"
        case let e as IOError:
            return errnoReason(e.errnoCode)
        case let e as ChannelError:
            if case .connectTimeout(let t) = e { return "timed out after \(t.nanoseconds / 1_000_000_000)s" }
            return "\(e)"
        default:
            return "\(error)"
        }
    }

    static func errnoReason(_ code: CInt) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused"
        case ETIMEDOUT: return "timed out"
        case EHOSTUNREACH: return "host unreachable"
        case ENETUNREACH: return "network unreachable"
        case ECONNRESET: return "connection reset"
        default: return String(cString: strerror(code)).lowercased()
        }
    }
}

/// A request or response could not be decoded or encoded.
///
/// Decoding errors close the connection that sent the bytes; they never reach other clients.
public struct KafkaProtocolError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    public static func truncated(_ what: StaticString) -> KafkaProtocolError {
        KafkaProtocolError("truncated \(what)")
    }

    public static func invalid(_ what: String) -> KafkaProtocolError {
        KafkaProtocolError(what)
    }
}

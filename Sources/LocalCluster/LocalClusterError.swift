/// A problem an operator can act on, as one plain sentence: what is wrong, then what to do.
public struct LocalClusterError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ sentence: String) { description = sentence }
}

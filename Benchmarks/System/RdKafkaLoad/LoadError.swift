/// Why a load-generator step failed, in words a benchmark report can print.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

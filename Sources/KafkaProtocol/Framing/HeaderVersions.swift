/// Which header version goes with an API version (Kafka's ApiKeys.requestHeaderVersion /
/// responseHeaderVersion).
extension ApiKey {
    public func isFlexible(_ version: Int16) -> Bool {
        guard let first = requestType.firstFlexibleVersion else { return false }
        return version >= first
    }

    public func requestHeaderVersion(_ version: Int16) -> Int16 {
        if isFlexible(version) { return 2 }
        // ControlledShutdown v0 has a header without client id.
        if self == .controlledShutdown && version == 0 { return 0 }
        return 1
    }

    /// ApiVersions always answers with header v0, so a client that does not know the broker's
    /// versions can still read it.
    public func responseHeaderVersion(_ version: Int16) -> Int16 {
        if self == .apiVersions { return 0 }
        return isFlexible(version) ? 1 : 0
    }
}

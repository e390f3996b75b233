/// Proof of controllership, returned by a won election. Every controller write carries it; the
/// store refuses the write once another election happened (ZooKeeper: a `check` of
/// `/controller_epoch`'s version in the same multi, as Kafka does).
public struct ControllerFence: Sendable, Hashable, CustomStringConvertible {
    public var brokerID: Int32
    /// The controller epoch: one more than the previous controller's.
    public var epoch: Int32
    /// The store's version of the epoch record (ZooKeeper: `/controller_epoch`'s data version).
    public var epochVersion: Int32

    public init(brokerID: Int32, epoch: Int32, epochVersion: Int32) {
        self.brokerID = brokerID
        self.epoch = epoch
        self.epochVersion = epochVersion
    }

    public var description: String { "controller \(brokerID) epoch \(epoch)" }
}

/// The active controller as anyone can observe it.
public struct ControllerRegistration: Sendable, Hashable {
    public var brokerID: Int32
    /// The controller epoch at the time of reading (the latest election's).
    public var epoch: Int32
    /// When the controller was elected, milliseconds since the epoch.
    public var timestamp: Int64

    public init(brokerID: Int32, epoch: Int32, timestamp: Int64) {
        self.brokerID = brokerID
        self.epoch = epoch
        self.timestamp = timestamp
    }
}

/// A producer as transactions name it: its id and the epoch that fences older instances.
public struct ProducerIdAndEpoch: Sendable, Hashable {
    public var producerId: Int64
    public var epoch: Int16

    public init(producerId: Int64, epoch: Int16) {
        self.producerId = producerId
        self.epoch = epoch
    }
}

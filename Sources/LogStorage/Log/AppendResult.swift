/// What an append assigned and saw, for the produce response and the replica manager.
public struct AppendResult: Sendable, Equatable {
    /// Offset of the first record appended.
    public var firstOffset: Int64
    /// Offset of the last record appended.
    public var lastOffset: Int64
    /// The time written into LogAppendTime batches, or -1 for CreateTime.
    public var logAppendTime: Int64
    /// The log start offset after the append.
    public var logStartOffset: Int64
    /// The largest batch max timestamp appended (-1 when none carried one).
    public var maxTimestamp: Int64
    /// Batches and bytes written.
    public var batchCount: Int
    public var bytes: Int
    /// The batch was a retry of one already in the log: nothing was written, and the offsets
    /// and LogAppendTime are the original append's.
    public var isDuplicate: Bool

    public init(
        firstOffset: Int64, lastOffset: Int64, logAppendTime: Int64, logStartOffset: Int64, maxTimestamp: Int64,
        batchCount: Int, bytes: Int, isDuplicate: Bool = false
    ) {
        self.isDuplicate = isDuplicate
        self.firstOffset = firstOffset
        self.lastOffset = lastOffset
        self.logAppendTime = logAppendTime
        self.logStartOffset = logStartOffset
        self.maxTimestamp = maxTimestamp
        self.batchCount = batchCount
        self.bytes = bytes
    }
}

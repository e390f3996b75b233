/// A committed offset as the coordinator keeps it (Kafka's OffsetAndMetadata).
public struct OffsetAndMetadata: Sendable, Hashable {
    /// Where the record that set it sits in `__consumer_offsets`; -1 before it was written.
    public var recordOffset: Int64
    public var committedOffset: Int64
    /// nil when the client sent none (-1 on the wire).
    public var leaderEpoch: Int32?
    public var metadata: String
    public var commitTimestampMs: Int64
    /// Set only when an old client (OffsetCommit v2-v4) asked for a retention time.
    public var expireTimestampMs: Int64?

    public init(
        recordOffset: Int64 = -1, committedOffset: Int64, leaderEpoch: Int32?, metadata: String,
        commitTimestampMs: Int64, expireTimestampMs: Int64?
    ) {
        self.recordOffset = recordOffset
        self.committedOffset = committedOffset
        self.leaderEpoch = leaderEpoch
        self.metadata = metadata
        self.commitTimestampMs = commitTimestampMs
        self.expireTimestampMs = expireTimestampMs
    }

    /// The state a replayed record gives.
    init(recordOffset: Int64, value: OffsetCommitValue) {
        self.init(
            recordOffset: recordOffset, committedOffset: value.offset,
            leaderEpoch: value.leaderEpoch < 0 ? nil : value.leaderEpoch, metadata: value.metadata,
            commitTimestampMs: value.commitTimestamp, expireTimestampMs: value.expireTimestamp)
    }

    /// The record value that stores it.
    var recordValue: OffsetCommitValue {
        OffsetCommitValue(
            offset: committedOffset, leaderEpoch: leaderEpoch ?? -1, metadata: metadata,
            commitTimestamp: commitTimestampMs, expireTimestamp: expireTimestampMs)
    }
}

/// What a coordinator write operation gives: the response to send once `records` are durably
/// appended, and the records that carry the state change (Kafka's CoordinatorResult). The
/// state itself changes only when the runtime replays `records` after the append.
public struct CoordinatorResult<Response: Sendable>: Sendable {
    public var records: [CoordinatorRecord]
    public var response: Response

    public init(records: [CoordinatorRecord], response: Response) {
        self.records = records
        self.response = response
    }
}

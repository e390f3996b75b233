import KafkaProtocol

/// Where `consume` starts.
public enum ConsumeStart: Sendable, Equatable {
    case earliest
    /// Only records written after the sequence starts.
    case latest
    case offset(Int64)
}

/// Follows one partition forever (until the task is cancelled), fetching with long polls.
/// If the position falls out of the log (retention deleted it, or the log was truncated), it
/// moves to the earliest offset, or to the end if it was past the end.
public struct ConsumeSequence: AsyncSequence, Sendable {
    public typealias Element = ConsumedRecord

    let client: KafkaClient
    let topic: String
    let partition: Int32
    let start: ConsumeStart
    let maxWaitMs: Int32
    let maxBytes: Int32

    public func makeAsyncIterator() -> Iterator {
        Iterator(sequence: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let sequence: ConsumeSequence
        var position: Int64?
        var buffered: [ConsumedRecord] = []
        var index = 0

        init(sequence: ConsumeSequence) {
            self.sequence = sequence
            if case .offset(let o) = sequence.start { position = o }
        }

        /// The offset the next fetch starts at, once known.
        public var nextOffset: Int64? { position }

        public mutating func next() async throws -> ConsumedRecord? {
            while true {
                if index < buffered.count {
                    index += 1
                    return buffered[index - 1]
                }
                if Task.isCancelled { return nil }
                let from = try await resolvePosition()
                let fetched: FetchedRecords
                do {
                    fetched = try await sequence.client.fetchRecords(
                        topic: sequence.topic, partition: sequence.partition, offset: from,
                        maxWaitMs: sequence.maxWaitMs, minBytes: 1, maxBytes: sequence.maxBytes)
                } catch {
                    // No `catch let ... as ... where` in async loops: it crashes the 6.3 optimizer.
                    guard (error as? KafkaClientError)?.code == .offsetOutOfRange else { throw error }
                    let end = try await offset(.latest)
                    position = from > end ? end : try await offset(.earliest)
                    continue
                }
                position = fetched.nextOffset
                buffered = fetched.records
                index = 0
            }
        }

        private mutating func resolvePosition() async throws -> Int64 {
            if let position { return position }
            let resolved = try await offset(sequence.start == .earliest ? .earliest : .latest)
            position = resolved
            return resolved
        }

        private func offset(_ spec: OffsetSpec) async throws -> Int64 {
            let offsets = try await sequence.client.listOffsets(
                topic: sequence.topic, partitions: [sequence.partition], spec: spec)
            return offsets[sequence.partition] ?? 0
        }
    }
}

extension KafkaClient {
    /// An endless sequence of the partition's records from `start`; stop it by cancelling
    /// the task or breaking out of the loop.
    public nonisolated func consume(
        topic: String, partition: Int32, from start: ConsumeStart = .latest, maxWaitMs: Int32 = 500,
        maxBytes: Int32 = 1 << 20
    ) -> ConsumeSequence {
        ConsumeSequence(
            client: self, topic: topic, partition: partition, start: start, maxWaitMs: maxWaitMs, maxBytes: maxBytes)
    }
}
